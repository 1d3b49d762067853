package com.example.vega.examples.common;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * How the scan-scoped proxy token gets from the worker to its runner without travelling in the
 * RunTask request. ECS keeps {@code containerOverrides.environment} in the task, and anyone allowed
 * {@code ecs:DescribeTasks} reads it back; so the worker puts the token where only the runner's
 * task role can read it (a Secrets Manager secret named {@code <prefix><scan id>}) and passes its
 * ARN in {@code VEGA_LLM_PROXY_TOKEN_REF}. The runner reads the secret once at start and deletes it:
 * the reference is good for one read, and the token itself still expires with its scan.
 *
 * <p>Without a secret prefix (local execution mode on the embedded demo, where there is no
 * Secrets Manager), the worker writes the token to a file only its user can read and passes a
 * {@code file:} reference, which the runner reads and deletes the same way.
 */
public final class ScanTokenHandoff implements AutoCloseable {
  /** The runner's setting: where its token is (a secret ARN or a {@code file:} URI), never the token. */
  public static final String REFERENCE = "VEGA_LLM_PROXY_TOKEN_REF";
  /** The worker's setting: the name prefix of the per-scan secrets, e.g. {@code vega/dev/scan-tokens/}. */
  public static final String SECRET_PREFIX = "VEGA_SCAN_TOKEN_SECRET_PREFIX";
  private static final System.Logger LOG = System.getLogger(ScanTokenHandoff.class.getName());

  private final @Nullable SecretsManagerClient secrets;
  private final @Nullable String prefix;
  private final @Nullable Path dir;

  private ScanTokenHandoff(@Nullable SecretsManagerClient secrets, @Nullable String prefix, @Nullable Path dir) {
    this.secrets = secrets;
    this.prefix = prefix;
    this.dir = dir;
  }

  /** Through Secrets Manager: secrets named {@code prefix + scanId}. */
  public static ScanTokenHandoff secrets(SecretsManagerClient secrets, String prefix) {
    if (!prefix.matches("[A-Za-z0-9/_+=.@-]{1,400}")) {
      throw new IllegalArgumentException(SECRET_PREFIX + " must be a secret name prefix such as vega/dev/scan-tokens/");
    }
    return new ScanTokenHandoff(secrets, prefix, null);
  }

  /**
   * Through owner-only files in a directory of its own (local execution mode without Secrets
   * Manager), removed with what no runner read on {@link #close()}.
   */
  public static ScanTokenHandoff files() throws IOException {
    return new ScanTokenHandoff(null, null, Files.createTempDirectory("vega-scan-tokens-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
  }

  /** Removes the token files no runner read (their runners never started or crashed first). */
  @Override
  public void close() {
    if (dir == null) {
      return;
    }
    try (var left = Files.list(dir)) {
      for (Path f : left.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not remove the scan token files in " + dir + ": " + e.getMessage());
    }
  }

  /** Stores the scan's token; returns the reference the runner gets in {@link #REFERENCE}. */
  public String put(String scanId, String token) {
    if (secrets != null) {
      String name = prefix + scanId;
      return secrets.createSecret(b -> b.name(name).secretString(token)
          .description("scan-scoped LLM proxy token of " + scanId + "; the runner deletes it once read")).arn();
    }
    try {
      Path f = Files.createTempFile(Objects.requireNonNull(dir), "token-" + scanId + "-", "",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(f, token, StandardCharsets.US_ASCII);
      return f.toUri().toString();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the scan token file in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Forgets a token no runner will read (its launch failed). */
  public void discard(String reference) {
    try {
      delete(reference, secrets);
    } catch (RuntimeException | IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not delete the unused scan token " + reference + ": " + e.getMessage());
    }
  }

  /**
   * The runner's side: reads the token the reference names, then deletes it (one read). Throws
   * with what to check when it cannot; the message never holds the token.
   *
   * @param secrets the runner's Secrets Manager client (its task role), used for ARN references
   */
  public static String redeem(String reference, @Nullable SecretsManagerClient secrets) {
    String token;
    if (reference.startsWith("file:") && !isTokenFile(reference)) {
      // The runner deletes what it read: never a file the worker did not write.
      throw new IllegalArgumentException(REFERENCE + " names a file that is not a scan token file of the worker");
    }
    if (reference.startsWith("arn:")) {
      try {
        token = Objects.requireNonNull(secrets, "secrets").getSecretValue(b -> b.secretId(reference)).secretString();
      } catch (RuntimeException e) {
        throw new IllegalStateException("cannot read the scan token secret " + reference + " ("
            + e.getClass().getSimpleName() + "): check secretsmanager:GetSecretValue on it for the runner task role,"
            + " and that the runner was started once for this scan", e);
      }
    } else if (reference.startsWith("file:")) {
      try {
        token = Files.readString(Path.of(URI.create(reference)), StandardCharsets.US_ASCII);
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("cannot read the scan token file " + reference + ": it is read once,"
            + " by the runner the worker started for this scan", e);
      }
    } else {
      throw new IllegalArgumentException(REFERENCE + " must be a Secrets Manager secret ARN or a file: URI");
    }
    try {
      delete(reference, secrets);
    } catch (RuntimeException | IOException e) {
      // The token expires with its scan anyway; say why it stays readable until then.
      LOG.log(System.Logger.Level.WARNING, "the scan token " + reference + " was read but not deleted ("
          + e.getClass().getSimpleName() + "): allow secretsmanager:DeleteSecret on it for the runner task role");
    }
    return token.strip();
  }

  private static boolean isTokenFile(String reference) {
    try {
      Path p = Path.of(URI.create(reference));
      Path parent = p.getParent();
      return p.getFileName() != null && p.getFileName().toString().startsWith("token-") && parent != null
          && parent.getFileName() != null && parent.getFileName().toString().startsWith("vega-scan-tokens-");
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      return false;
    }
  }

  private static void delete(String reference, @Nullable SecretsManagerClient secrets) throws IOException {
    if (reference.startsWith("file:")) {
      Files.deleteIfExists(Path.of(URI.create(reference)));
    } else if (secrets != null) {
      secrets.deleteSecret(b -> b.secretId(reference).forceDeleteWithoutRecovery(true));
    }
  }

  /**
   * The runner's settings with its token in place of the reference, when it has one; its Secrets
   * Manager client (from {@code env}, the task role's credentials) only when the reference is an ARN.
   */
  public static Map<String, String> resolved(Map<String, String> env) {
    String ref = env.get(REFERENCE);
    if (ref == null || ref.isBlank()) {
      return env;
    }
    Map<String, String> out = new HashMap<>(env);
    if (ref.trim().startsWith("arn:")) {
      try (SecretsManagerClient secrets = new Aws(env).secrets()) {
        out.put("VEGA_LLM_PROXY_TOKEN", redeem(ref.trim(), secrets));
      }
    } else {
      out.put("VEGA_LLM_PROXY_TOKEN", redeem(ref.trim(), null));
    }
    out.remove(REFERENCE);
    return Map.copyOf(out);
  }
}
