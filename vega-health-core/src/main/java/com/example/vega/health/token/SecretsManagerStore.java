package com.example.vega.health.token;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The hand-off's Secrets Manager calls, apart so that {@link ScanTokenHandoff} loads without the
 * Secrets Manager SDK (the file hand-off needs none): this class is loaded only when a secret is used.
 */
final class SecretsManagerStore {
  private SecretsManagerStore() {}

  static String create(SecretsManagerClient client, String name, String token, String scanId) {
    return client.createSecret(b -> b.name(name).secretString(token)
        .description("scan-scoped LLM proxy token of " + scanId + "; the runner deletes it once read")).arn();
  }

  static String read(SecretsManagerClient client, String arn) {
    return client.getSecretValue(b -> b.secretId(arn)).secretString();
  }

  static void delete(SecretsManagerClient client, String arn) {
    client.deleteSecret(b -> b.secretId(arn).forceDeleteWithoutRecovery(true));
  }
}
