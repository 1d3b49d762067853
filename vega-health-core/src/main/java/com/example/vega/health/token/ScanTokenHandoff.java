package com.example.vega.health.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * How the scan-scoped LLM proxy token gets from the worker to its runner without travelling in the
 * RunTask request. ECS keeps {@code containerOverrides.environment} in the task, and anyone allowed
 * {@code ecs:DescribeTasks} reads it back; so the worker puts the token where only the runner's
 * task role can read it (a Secrets Manager secret named {@code <VEGA_SCAN_TOKEN_SECRET_PREFIX><scan id>})
 * and passes only its reference in {@code VEGA_LLM_PROXY_TOKEN_REF}. The runner redeems it once
 * at start: reads the token, then deletes it. Without Secrets Manager (local execution mode), the
 * worker writes an owner-only file and passes a {@code file:} reference, redeemed the same way.
 *
 * <pre>{@code
 * // worker
 * ScanTokenHandoff tokens = ScanTokenHandoff.secrets(secretsManager, "vega/dev/scan-tokens/");
 * overrides.put(ScanTokenHandoff.REFERENCE, tokens.put(scanId, token));
 * // runner, before building its checks: VEGA_LLM_PROXY_TOKEN in place of the reference
 * Map<String, String> env = ScanTokenHandoff.resolved(System.getenv(), secretsManager);
 * }</pre>
 *
 * <p>The token read is kept in this class loader, so the checks built from the same core (the
 * llm-proxy check) validate that token instead of reading the reference a second time. A check
 * never redeems a reference itself. The Secrets Manager SDK is needed only for secrets: the file
 * hand-off works without it on the class path.
 */
public final class ScanTokenHandoff implements AutoCloseable {
  /** The runner's setting: where its token is (a secret ARN or a {@code file:} URI), never the token. */
  public static final String REFERENCE = TokenReference.SETTING;
  /** The worker's setting: the name prefix of the per-scan secrets, e.g. {@code vega/dev/scan-tokens/}. */
  public static final String SECRET_PREFIX = "VEGA_SCAN_TOKEN_SECRET_PREFIX";
  /** The setting the token is put in by {@link #resolved}. */
  public static final String TOKEN = "VEGA_LLM_PROXY_TOKEN";
  /**
   * The system property that holds the reference this JVM redeemed (the reference, never the
   * token): how another copy of this class (the agent's relocated core) learns that the runner
   * read its token, where the per-class-loader cache cannot tell it.
   */
  public static final String REDEEMED_PROPERTY = "vega.scan-token.redeemed";
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,400}");
  private static final Pattern SCAN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final System.Logger LOG = System.getLogger(ScanTokenHandoff.class.getName());
  /** Reference to token: what this class loader redeemed (a runner redeems one). */
  private static final Map<String, String> REDEEMED = new ConcurrentHashMap<>();

  private final @Nullable SecretsManagerClient secrets;
  private final @Nullable String prefix;
  private final @Nullable Path dir;

  private ScanTokenHandoff(@Nullable SecretsManagerClient secrets, @Nullable String prefix, @Nullable Path dir) {
    this.secrets = secrets;
    this.prefix = prefix;
    this.dir = dir;
  }

  /** Whether {@code prefix} is a secret name prefix ({@value #SECRET_PREFIX}'s shape). */
  public static boolean isSecretPrefix(String prefix) {
    return PREFIX.matcher(prefix).matches();
  }

  /**
   * The worker's side through Secrets Manager: secrets named {@code prefix + scanId}, created with
   * the worker's client (its task role needs {@code secretsmanager:CreateSecret} on them).
   *
   * @throws IllegalArgumentException naming {@value #SECRET_PREFIX} when the prefix is not a secret name prefix
   */
  public static ScanTokenHandoff secrets(SecretsManagerClient secrets, String prefix) {
    Objects.requireNonNull(secrets, "secrets");
    if (!isSecretPrefix(Objects.requireNonNull(prefix, SECRET_PREFIX))) {
      throw new IllegalArgumentException(SECRET_PREFIX + " must be a secret name prefix such as vega/dev/scan-tokens/");
    }
    return new ScanTokenHandoff(secrets, prefix, null);
  }

  /**
   * The worker's side through owner-only files in a directory of its own (local execution mode
   * without Secrets Manager), removed with what no runner read on {@link #close()}.
   */
  public static ScanTokenHandoff files() throws IOException {
    return new ScanTokenHandoff(null, null, Files.createTempDirectory(TokenReference.DIR_PREFIX,
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

  /**
   * Stores the scan's token; returns the reference the runner gets in {@link #REFERENCE} (the
   * only thing the RunTask request carries).
   */
  public String put(String scanId, String token) {
    if (!SCAN_ID.matcher(Objects.requireNonNull(scanId, "scanId")).matches()) {
      throw new IllegalArgumentException("scanId must be letters, digits, '-' or '_' (at most 64)");
    }
    Objects.requireNonNull(token, "token");
    if (secrets != null) {
      return SecretsManagerStore.create(secrets, prefix + scanId, token, scanId);
    }
    try {
      Path f = Files.createTempFile(Objects.requireNonNull(dir), TokenReference.FILE_PREFIX + scanId + "-", "",
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
      delete(TokenReference.parse(reference), secrets);
    } catch (RuntimeException | IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not delete an unused scan token (" + e.getClass().getSimpleName()
          + ")");
    }
  }

  /**
   * The runner's side: the token {@code reference} names, read once and then deleted. The token is
   * kept in this class loader: a second call for the same reference, and the llm-proxy check,
   * get that token without reading the reference again (anyone else finds it gone).
   *
   * @param reference the value of {@link #REFERENCE}
   * @param secrets the runner's Secrets Manager client (its task role), needed for a secret ARN only
   * @throws IllegalArgumentException when the reference is malformed, names a file the hand-off did
   *     not write, or is an ARN and no client is given; naming {@link #REFERENCE}
   * @throws IllegalStateException when it cannot be read (gone, refused, denied), with what to check;
   *     no message ever holds the token
   */
  public static String redeem(String reference, @Nullable SecretsManagerClient secrets) {
    TokenReference ref = TokenReference.parse(reference);
    synchronized (REDEEMED) {
      String cached = REDEEMED.get(ref.value());
      if (cached != null) {
        return cached;
      }
      String token = read(ref, secrets);
      REDEEMED.put(ref.value(), token);
      System.setProperty(REDEEMED_PROPERTY, ref.value());
      return token;
    }
  }

  /**
   * {@link #redeem(String, SecretsManagerClient)} of a {@code file:} reference, for a runner
   * without the Secrets Manager SDK (local execution mode); a secret ARN is refused.
   */
  public static String redeem(String reference) {
    return redeem(reference, null);
  }

  /**
   * The token this class loader redeemed for {@code reference}, if it did; never reads the
   * reference. Empty for a malformed reference.
   */
  public static Optional<String> redeemed(@Nullable String reference) {
    if (reference == null || !TokenReference.isWellFormed(reference)) {
      return Optional.empty();
    }
    return Optional.ofNullable(REDEEMED.get(reference.trim()));
  }

  /**
   * Whether any code in this JVM redeemed {@code reference} through this hand-off (this class or
   * another copy of it, such as the agent's): the evidence a check that must not read the
   * reference has that the runner got its token.
   */
  public static boolean redeemedInThisJvm(@Nullable String reference) {
    return reference != null && reference.trim().equals(System.getProperty(REDEEMED_PROPERTY));
  }

  /**
   * The runner's settings with its token ({@value #TOKEN}) in place of the reference, when
   * {@code env} has one; {@code env} itself otherwise.
   *
   * @param secrets the runner's Secrets Manager client, needed when the reference is a secret ARN
   * @throws IllegalArgumentException or IllegalStateException as {@link #redeem} does
   */
  public static Map<String, String> resolved(Map<String, String> env, @Nullable SecretsManagerClient secrets) {
    String ref = env.get(REFERENCE);
    if (ref == null || ref.isBlank()) {
      return env;
    }
    Map<String, String> out = new HashMap<>(env);
    out.put(TOKEN, redeem(ref, secrets));
    out.remove(REFERENCE);
    return Map.copyOf(out);
  }

  /** {@link #resolved(Map, SecretsManagerClient)} without the Secrets Manager SDK: {@code file:} references only. */
  public static Map<String, String> resolved(Map<String, String> env) {
    return resolved(env, null);
  }

  /** One read and delete, not cached: what any reader of the reference does. */
  static String read(TokenReference ref, @Nullable SecretsManagerClient secrets) {
    String token;
    if (ref.kind() == TokenReference.Kind.SECRET_ARN) {
      if (secrets == null) {
        throw new IllegalArgumentException(REFERENCE + " is a Secrets Manager secret ARN: redeeming it needs the"
            + " runner's SecretsManagerClient (its task role)");
      }
      try {
        token = SecretsManagerStore.read(secrets, ref.value());
      } catch (RuntimeException e) {
        throw new IllegalStateException("cannot read the scan token secret " + ref + " named by " + REFERENCE + " ("
            + e.getClass().getSimpleName() + "): check secretsmanager:GetSecretValue on it for the runner task role,"
            + " and that the runner was started once for this scan (the reference is read once)", e);
      }
    } else {
      Path p = ref.path();
      switch (ref.fileState()) {
        case OWNER_ONLY -> { }
        case ABSENT -> throw new IllegalStateException("cannot read the scan token file " + ref + " named by "
            + REFERENCE + ": it does not exist; the reference is read once, by the runner the worker started for"
            + " this scan");
        case OPEN -> throw new IllegalStateException(REFERENCE + " names a file " + ref + " that group or others may"
            + " read or write: refused (the hand-off writes owner-only files in an owner-only directory)");
        case NOT_A_FILE -> throw new IllegalStateException(REFERENCE + " names " + ref + ", which is not a regular"
            + " file: refused");
        case UNREADABLE -> throw new IllegalStateException("cannot tell whether the scan token file " + ref
            + " named by " + REFERENCE + " is owner-only: refused");
      }
      try {
        token = Files.readString(p, StandardCharsets.US_ASCII);
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("cannot read the scan token file " + ref + " named by " + REFERENCE + " ("
            + e.getClass().getSimpleName() + "): it is read once, by the runner the worker started for this scan", e);
      }
    }
    try {
      delete(ref, secrets);
    } catch (RuntimeException | IOException e) {
      // The token expires with its scan anyway; say why it stays readable until then.
      LOG.log(System.Logger.Level.WARNING, "the scan token " + ref + " was read but not deleted ("
          + e.getClass().getSimpleName() + "): allow secretsmanager:DeleteSecret on it for the runner task role");
    }
    if (token == null || token.isBlank()) {
      throw new IllegalStateException("the scan token named by " + REFERENCE + " (" + ref + ") is empty: check how"
          + " the worker puts it");
    }
    return token.strip();
  }

  private static void delete(TokenReference ref, @Nullable SecretsManagerClient secrets) throws IOException {
    if (ref.kind() == TokenReference.Kind.FILE) {
      Files.deleteIfExists(ref.path());
    } else if (secrets != null) {
      SecretsManagerStore.delete(secrets, ref.value());
    }
  }
}
