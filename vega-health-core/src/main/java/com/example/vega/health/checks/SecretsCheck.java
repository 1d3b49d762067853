package com.example.vega.health.checks;

import com.example.vega.health.DependencyCall;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.Setting;
import com.example.vega.health.checks.internal.AwsFailures;
import com.example.vega.health.Caller;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The secrets a service reads (the LLM provider's API key): DescribeSecret on each, telling a
 * missing secret, one scheduled for deletion and a denied one apart. Opt-in, GetSecretValue proves
 * the task role may decrypt it (KMS); the value is dropped at once, never logged, rendered or kept.
 */
public final class SecretsCheck implements HealthCheck {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

  private final SecretsManagerClient secrets;
  private final List<String> ids;
  private final String setting;
  private final boolean verifyDecrypt;
  private final Caller who;

  private SecretsCheck(Builder b, Caller who) {
    this.secrets = b.secrets;
    this.ids = List.copyOf(b.ids);
    this.setting = b.setting;
    this.verifyDecrypt = b.verifyDecrypt;
    this.who = who;
  }

  /** In a role profile: needs VEGA_PROVIDER_SECRET_ID and the service's SecretsManagerClient. */
  static @Nullable CheckRegistration inProfile(Profile p, CheckPolicy policy) {
    String id = p.valid(Setting.PROVIDER_SECRET_ID);
    SecretsManagerClient sm = id == null ? null : p.client(p.clients().secrets(), "SecretsManagerClient",
        "the provider secret (VEGA_PROVIDER_SECRET_ID) is not checked: a missing, deleted or undecryptable "
            + "secret goes unseen");
    return id == null || sm == null ? null : builder(sm).secret(id).caller(p.caller()).build().registration(policy);
  }

  public static Builder builder(SecretsManagerClient secrets) {
    return new Builder(secrets);
  }

  /** Registered as {@code secrets}, a component measured by the number of {@code secrets} checked. */
  public CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration("secrets", ComponentType.COMPONENT, "secrets", policy, this);
  }

  @Override
  public CheckResult check(CheckContext ctx) {
    List<String> ok = new ArrayList<>();
    for (String id : ids) {
      CheckResult problem = checkOne(ctx, id);
      if (problem != null) {
        return problem.with("secrets", ids.size(), null).with("secretsOk", ok.size(), null);
      }
      ok.add(id);
    }
    return CheckResult.up((ids.size() == 1 ? "secret " : "secrets ") + String.join(", ", ok)
            + (verifyDecrypt ? " present and decryptable" : " present"))
        .with("secrets", ids.size(), null).with("secretsOk", ok.size(), null);
  }

  private @Nullable CheckResult checkOne(CheckContext ctx, String id) {
    DescribeSecretResponse d;
    AwsBudget budget = AwsBudget.of(ctx);
    try {
      d = secrets.describeSecret(r -> r.secretId(id).overrideConfiguration(budget));
    } catch (ResourceNotFoundException e) {
      return missing(id);
    } catch (SdkException e) {
      if ("ResourceNotFoundException".equals(AwsFailures.errorCode(e))) {
        return missing(id);
      }
      return AwsFailures.of(e, "Secrets Manager", "secretsmanager:DescribeSecret", "secret " + id, who);
    }
    if (d.deletedDate() != null) {
      return CheckResult.down(ErrorKind.INACTIVE,
          "secret " + id + " is scheduled for deletion on " + DAY.format(d.deletedDate()),
          "restore it (aws secretsmanager restore-secret --secret-id " + id + " --region " + who.region()
              + ") or point " + setting + " at the current secret");
    }
    if (!verifyDecrypt) {
      return null;
    }
    AwsBudget get = AwsBudget.of(ctx);
    try {
      // The response is dropped here: only whether the call succeeded matters.
      secrets.getSecretValue(r -> r.secretId(id).overrideConfiguration(get));
      return null;
    } catch (SdkException e) {
      String code = AwsFailures.errorCode(e);
      String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      if ("DecryptionFailure".equals(code) || (AwsFailures.isAccessDenied(e) && text.contains("kms"))) {
        String key = d.kmsKeyId() == null ? "the secret's KMS key" : "KMS key " + d.kmsKeyId();
        return CheckResult.down(ErrorKind.ACCESS_DENIED, "kms:Decrypt denied for secret " + id,
            "the " + who.role() + " task role may not decrypt with " + key + ": check the key policy "
                + "and the IAM policy on the " + who.role() + " task role (kms:Decrypt)");
      }
      if ("ResourceNotFoundException".equals(code)) {
        return missing(id);
      }
      return AwsFailures.of(e, "Secrets Manager", "secretsmanager:GetSecretValue", "secret " + id, who);
    }
  }

  private CheckResult missing(String id) {
    return CheckResult.down(ErrorKind.NOT_FOUND, "secret " + id + " does not exist",
        "check Secrets Manager in " + who.region() + " for the secret referenced in the "
            + who.serviceName() + " task definition (" + setting + ")");
  }

  /** DescribeSecret per secret, and GetSecretValue per secret when decryption is verified. */
  @Override
  public List<DependencyCall> callsPerRun() {
    DependencyCall describe = new DependencyCall("secretsmanager", "DescribeSecret", ids.size());
    return verifyDecrypt ? List.of(describe, new DependencyCall("secretsmanager", "GetSecretValue", ids.size()))
        : List.of(describe);
  }

  @Override
  public CheckResult onTimeout(Duration timeout) {
    return AwsFailures.timeout("Secrets Manager", "secretsmanager:DescribeSecret", who);
  }

  /** Builds a {@link SecretsCheck}; {@link #build()} validates. */
  public static final class Builder extends CallerBuilder<Builder> {
    private final SecretsManagerClient secrets;
    private final Set<String> ids = new LinkedHashSet<>();
    private String setting = Setting.PROVIDER_SECRET_ID.key();
    private boolean verifyDecrypt;

    private Builder(SecretsManagerClient secrets) {
      super("llm-proxy");
      this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    /** A secret name or ARN the service reads. */
    public Builder secret(String secretId) {
      ids.add(Objects.requireNonNull(secretId, "secretId"));
      return this;
    }

    /** The setting that names the secrets, for hints; default {@code VEGA_PROVIDER_SECRET_ID}. */
    public Builder setting(String setting) {
      this.setting = Objects.requireNonNull(setting, "setting");
      return this;
    }

    /**
     * Opt-in: call GetSecretValue to prove the task role may decrypt the secret (KMS). The value
     * is discarded at once. Off by default.
     */
    public Builder verifyDecrypt(boolean enabled) {
      this.verifyDecrypt = enabled;
      return this;
    }

    public SecretsCheck build() {
      if (ids.isEmpty()) {
        throw new IllegalArgumentException("SecretsCheck needs at least one secret id (" + setting + ")");
      }
      for (String id : ids) {
        // One rule for a secret id wherever it comes from: VEGA_PROVIDER_SECRET_ID's.
        if (!Setting.PROVIDER_SECRET_ID.accepts(id)) {
          throw new IllegalArgumentException(setting + " is malformed: expected " + Setting.PROVIDER_SECRET_ID.shape()
              + ", was " + Setting.PROVIDER_SECRET_ID.shown(id));
        }
      }
      return new SecretsCheck(this, buildCaller(Regions.id(secrets.serviceClientConfiguration().region())));
    }
  }
}
