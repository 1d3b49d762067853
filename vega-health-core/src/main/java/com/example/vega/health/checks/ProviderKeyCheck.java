package com.example.vega.health.checks;

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
import com.example.vega.health.Failures;
import com.example.vega.health.checks.internal.HttpFailures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Opt-in, for vega-llm-proxy: the provider API key in Secrets Manager is one the provider accepts.
 * Each run reads the key (GetSecretValue) and makes one harmless, bounded GET with it (e.g. the
 * provider's model list), so "provider authentication errors" show in {@code /v1/healthz} before a
 * scan meets them. The key lives in a local variable for the length of the call: it is never kept,
 * logged or put in a result, and the provider's answer body is never read (it could echo the key).
 * The JDK client follows no redirect, so the key only goes to the configured URL.
 */
public final class ProviderKeyCheck implements HealthCheck {
  private final SecretsManagerClient secrets;
  private final HttpClient http;
  private final String secretId;
  private final URI url;
  private final String origin;
  private final String header;
  private final Caller who;

  private ProviderKeyCheck(Builder b, Caller who) {
    this.secrets = b.secrets;
    this.http = b.http;
    this.secretId = b.secretId;
    this.url = b.url;
    this.origin = Http.origin(b.url);
    this.header = b.header;
    this.who = who;
  }

  /**
   * In a role profile: only when VEGA_PROVIDER_KEY_CHECK_URL is set (it calls the provider), with
   * VEGA_PROVIDER_SECRET_ID and the service's SecretsManagerClient.
   */
  static @Nullable CheckRegistration inProfile(Profile p, CheckPolicy policy) {
    String url = p.valid(Setting.PROVIDER_KEY_CHECK_URL);
    String id = p.valid(Setting.PROVIDER_SECRET_ID);
    if (url == null || id == null) {
      return null;
    }
    SecretsManagerClient sm = p.client(p.clients().secrets(), "SecretsManagerClient",
        "the provider API key (VEGA_PROVIDER_KEY_CHECK_URL) is not validated");
    if (sm == null) {
      return null;
    }
    Builder b = builder(sm, p.http(), id, URI.create(url)).caller(p.caller());
    String header = p.valid(Setting.PROVIDER_KEY_HEADER);
    if (header != null) {
      b.header(header);
    }
    return b.build().registration(policy);
  }

  /** A check of the key in secret {@code secretId}, presented to {@code url} with a GET. */
  public static Builder builder(SecretsManagerClient secrets, HttpClient http, String secretId, URI url) {
    return new Builder(secrets, http, secretId, url);
  }

  /** Registered as {@code llm-provider}, a component measured by the provider's {@code responseTime}. */
  public CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration("llm-provider", ComponentType.COMPONENT, "responseTime", policy, this);
  }

  @Override
  public CheckResult check(CheckContext ctx) throws InterruptedException {
    String key;
    AwsBudget budget = AwsBudget.of(ctx);
    try {
      key = secrets.getSecretValue(r -> r.secretId(secretId).overrideConfiguration(budget)).secretString();
    } catch (SdkException e) {
      if ("ResourceNotFoundException".equals(AwsFailures.errorCode(e))) {
        return CheckResult.down(ErrorKind.NOT_FOUND, "secret " + secretId + " does not exist",
            "check Secrets Manager in " + who.region() + " for the secret referenced in the " + who.serviceName()
                + " task definition (" + Setting.PROVIDER_SECRET_ID.key() + ")");
      }
      return AwsFailures.of(e, "Secrets Manager", "secretsmanager:GetSecretValue", "secret " + secretId, who);
    }
    if (key == null || key.isBlank()) {
      return CheckResult.down(ErrorKind.MISCONFIGURED, "secret " + secretId + " holds no text API key",
          "store the provider API key as the secret's text value (" + putValue() + ")");
    }
    HttpRequest.Builder get = HttpRequest.newBuilder(url).GET();
    get.header(header, header.equalsIgnoreCase("Authorization") ? "Bearer " + key.trim() : key.trim());
    long start = System.nanoTime();
    int code;
    try {
      code = Http.send(http, get, HttpResponse.BodyHandlers.discarding(), ctx).statusCode();
    } catch (java.net.http.HttpConnectTimeoutException e) {
      return CheckResult.down(ErrorKind.CONNECT_TIMEOUT, "no connection to the provider at " + origin + " in time",
          egress());
    } catch (HttpTimeoutException e) {
      return CheckResult.down(ErrorKind.TIMEOUT, "no answer from the provider at " + origin + " in time", noAnswer());
    } catch (IOException e) {
      ErrorKind net = Failures.network(e);
      return CheckResult.down(net == null ? ErrorKind.OTHER : net, "the provider at " + origin + " is unreachable ("
          + (net == null ? e.getClass().getSimpleName() : net.name().toLowerCase(Locale.ROOT).replace('_', ' ')) + ")",
          egress());
    }
    long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
    // The key is sent: a 401 or 403 is the provider refusing it; another 4xx or a 3xx means the URL is wrong.
    ErrorKind kind = code >= 300 && code < 400 ? ErrorKind.MISCONFIGURED
        : HttpFailures.kind(code, true, ErrorKind.MISCONFIGURED);
    String logs = who.logs();
    CheckResult r = switch (kind) {
      case NONE -> CheckResult.up("the provider at " + origin + " accepts the API key in secret " + secretId);
      case AUTHENTICATION -> HttpFailures.result(kind, "the provider at " + origin + " rejected the API key in secret "
          + secretId + " (" + code + ")", "provider authentication error: the key is wrong, revoked or out of credit; "
          + "put the current key (" + putValue() + ") and restart " + who.serviceName() + "; see " + logs);
      case THROTTLED -> HttpFailures.result(kind, "the provider at " + origin + " is rate limiting (429)",
          "the key is accepted but rate limited: look for rate-limit errors in " + logs
              + "; the check tries again on its next run");
      case SERVER_ERROR -> HttpFailures.result(kind, "the provider at " + origin + " answered " + code,
          "a provider outage: check the provider's status page; the check tries again on its next run");
      default -> HttpFailures.result(kind, "the provider at " + origin + " answered " + code + " to " + url.getPath(),
          "check " + Setting.PROVIDER_KEY_CHECK_URL.key() + " is a URL of the provider's API that any valid key "
              + "may GET (e.g. its model list)");
    };
    return r.with("responseTime", ms, "ms");
  }

  private String putValue() {
    return "aws secretsmanager put-secret-value --secret-id " + secretId + " --region " + who.region();
  }

  private String egress() {
    return "the " + who.serviceName() + " task needs outbound HTTPS to " + url.getHost()
        + ": check its security group and NAT route, and " + Setting.PROVIDER_KEY_CHECK_URL.key();
  }

  @Override
  public CheckResult onTimeout(Duration timeout) {
    return CheckResult.down(ErrorKind.TIMEOUT,
        "no answer from Secrets Manager or the provider at " + origin + " within " + timeout.toMillis() + "ms",
        noAnswer());
  }

  private String noAnswer() {
    return Failures.noAnswerHint("The provider at " + origin, "the " + who.serviceName() + " task",
        url.getHost() + " (NAT route), and " + Setting.PROVIDER_KEY_CHECK_URL.key());
  }

  /** Builds a {@link ProviderKeyCheck}; {@link #build()} validates. */
  public static final class Builder extends CallerBuilder<Builder> {
    private final SecretsManagerClient secrets;
    private final HttpClient http;
    private final String secretId;
    private final URI url;
    private String header = "Authorization";

    private Builder(SecretsManagerClient secrets, HttpClient http, String secretId, URI url) {
      super("llm-proxy");
      this.secrets = Objects.requireNonNull(secrets, "secrets");
      this.http = Objects.requireNonNull(http, "http");
      this.secretId = Setting.PROVIDER_SECRET_ID.require(secretId);
      this.url = Objects.requireNonNull(url, "url");
    }

    /** The header carrying the key: {@code Authorization} (as a Bearer token, the default) or e.g. {@code x-api-key}. */
    public Builder header(String name) {
      this.header = Setting.PROVIDER_KEY_HEADER.require(name);
      return this;
    }

    public ProviderKeyCheck build() {
      String scheme = url.getScheme();
      if (!("http".equals(scheme) || "https".equals(scheme)) || url.getHost() == null || url.getUserInfo() != null) {
        throw new IllegalArgumentException(Setting.PROVIDER_KEY_CHECK_URL.key() + " must be http(s)://host[:port]/path");
      }
      return new ProviderKeyCheck(this, buildCaller(Regions.id(secrets.serviceClientConfiguration().region())));
    }
  }
}
