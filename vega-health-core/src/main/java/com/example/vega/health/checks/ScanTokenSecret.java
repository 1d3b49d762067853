package com.example.vega.health.checks;

import com.example.vega.health.CheckContext;
import com.example.vega.health.checks.internal.AwsFailures;
import com.example.vega.health.Caller;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The llm-proxy check's look at the secret a runner's {@code VEGA_LLM_PROXY_TOKEN_REF} names:
 * DescribeSecret only (the token is never read), apart so that LlmProxyCheck loads without the
 * Secrets Manager SDK.
 */
final class ScanTokenSecret implements TokenPresence.SecretLookup {
  private final SecretsManagerClient secrets;

  ScanTokenSecret(SecretsManagerClient secrets) {
    this.secrets = Objects.requireNonNull(secrets, "secrets");
  }

  @Override
  public TokenPresence describe(String arn, CheckContext ctx, Caller who) {
    DescribeSecretResponse d;
    try {
      d = secrets.describeSecret(r -> r.secretId(arn).overrideConfiguration(AwsBudget.of(ctx)));
    } catch (ResourceNotFoundException e) {
      return TokenPresence.ABSENT;
    } catch (SdkException e) {
      if ("ResourceNotFoundException".equals(AwsFailures.errorCode(e))) {
        return TokenPresence.ABSENT;
      }
      return TokenPresence.failed(AwsFailures.of(e, "Secrets Manager", "secretsmanager:DescribeSecret",
          "the scan token secret " + arn, who));
    }
    return d.deletedDate() == null ? TokenPresence.PRESENT : TokenPresence.SCHEDULED_FOR_DELETION;
  }
}
