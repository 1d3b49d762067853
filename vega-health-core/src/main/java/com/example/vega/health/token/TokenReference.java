package com.example.vega.health.token;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a runner's scan token is: the value of {@code VEGA_LLM_PROXY_TOKEN_REF}, a Secrets Manager
 * secret ARN or a {@code file:} URI of a token file the worker's hand-off wrote. It is not the
 * token, and only a well-formed reference is ever quoted: a token pasted into the setting by
 * mistake has neither shape, so it is refused without being echoed.
 *
 * @param kind a secret or a file
 * @param value the reference, trimmed
 */
public record TokenReference(Kind kind, String value) {
  /** The setting that holds a reference. */
  public static final String SETTING = "VEGA_LLM_PROXY_TOKEN_REF";
  /** What a reference must be, as messages and the setting's shape say it. */
  public static final String SHAPE = "a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:"
      + "<name>) or a file: URI of a token file the worker's hand-off wrote (.../vega-scan-tokens-*/token-*)";
  static final String FILE_PREFIX = "token-";
  static final String DIR_PREFIX = "vega-scan-tokens-";
  private static final Pattern ARN = Pattern.compile(
      "arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}:\\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}");
  private static final Pattern FILE_URI = Pattern.compile("file:/\\p{Graph}{1,2000}");
  private static final Set<PosixFilePermission> NOT_OWNER = Set.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  /** A secret in Secrets Manager, or a file on the runner's own disk (local mode). */
  public enum Kind { SECRET_ARN, FILE }

  /** What can be seen of a token file without reading it. */
  public enum FileState {
    /** A regular file, and it and its directory are the owner's alone. */
    OWNER_ONLY,
    /** Not there (never written, or already read and deleted). */
    ABSENT,
    /** Group or others may read or write it or its directory: the runner refuses it. */
    OPEN,
    /** A link, a directory or something else than a regular file: refused. */
    NOT_A_FILE,
    /** Its permissions cannot be read (no POSIX file system, or no access). */
    UNREADABLE
  }

  public TokenReference {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
  }

  /**
   * The reference {@code value} is, trimmed.
   *
   * @throws IllegalArgumentException naming {@value #SETTING} and what it accepts, never the value
   */
  public static TokenReference parse(String value) {
    String v = Objects.requireNonNull(value, SETTING).trim();
    if (ARN.matcher(v).matches()) {
      return new TokenReference(Kind.SECRET_ARN, v);
    }
    if (FILE_URI.matcher(v).matches()) {
      if (!isHandoffFile(v)) {
        // The runner deletes what it read: never a file the hand-off did not write.
        throw new IllegalArgumentException(SETTING + " names a file that is not a scan token file of the worker's"
            + " hand-off: expected " + SHAPE);
      }
      return new TokenReference(Kind.FILE, v);
    }
    throw new IllegalArgumentException(SETTING + " is malformed: expected " + SHAPE
        + "; it says where the token is, never the token");
  }

  /** Whether {@code value} is a reference {@link #parse} accepts. */
  public static boolean isWellFormed(String value) {
    try {
      parse(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The token file; only for a {@link Kind#FILE} reference. */
  public Path path() {
    if (kind != Kind.FILE) {
      throw new IllegalStateException(SETTING + " is a secret ARN, not a file");
    }
    return Path.of(URI.create(value));
  }

  /** What the file looks like now, without reading it; only for a {@link Kind#FILE} reference. */
  public FileState fileState() {
    Path p = path();
    try {
      PosixFileAttributes file = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!file.isRegularFile()) {
        return FileState.NOT_A_FILE;
      }
      PosixFileAttributes dir = Files.readAttributes(Objects.requireNonNull(p.getParent()),
          PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!dir.isDirectory()) {
        return FileState.NOT_A_FILE;
      }
      return ownerOnly(file.permissions()) && ownerOnly(dir.permissions()) ? FileState.OWNER_ONLY : FileState.OPEN;
    } catch (NoSuchFileException e) {
      return FileState.ABSENT;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return FileState.UNREADABLE;
    }
  }

  private static boolean ownerOnly(Set<PosixFilePermission> permissions) {
    return permissions.stream().noneMatch(NOT_OWNER::contains);
  }

  private static boolean isHandoffFile(String reference) {
    try {
      Path p = Path.of(URI.create(reference));
      Path name = p.getFileName();
      Path parent = p.getParent();
      Path dir = parent == null ? null : parent.getFileName();
      return p.isAbsolute() && name != null && name.toString().startsWith(FILE_PREFIX)
          && dir != null && dir.toString().startsWith(DIR_PREFIX) && p.normalize().equals(p);
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
