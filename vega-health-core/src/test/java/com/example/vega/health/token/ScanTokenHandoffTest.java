package com.example.vega.health.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The file hand-off: owner-only, read once then deleted, shared in-process, refused when not the hand-off's. */
class ScanTokenHandoffTest {
  static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2VjcmV0LXNpZw";

  @Test
  void tokenFileIsOwnerOnlyReadOnceThenDeletedAndSharedInThisClassLoader() throws Exception {
    try (ScanTokenHandoff tokens = ScanTokenHandoff.files()) {
      String ref = tokens.put("scan-1", TOKEN);
      Path file = Path.of(URI.create(ref));
      assertThat(Files.getPosixFilePermissions(file))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      assertThat(Files.getPosixFilePermissions(file.getParent())).containsExactlyInAnyOrder(
          PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
      assertThat(ScanTokenHandoff.redeemed(ref)).isEmpty();

      assertThat(ScanTokenHandoff.redeem(ref, null)).isEqualTo(TOKEN);
      assertThat(file).doesNotExist();
      // The application and the checks of this class loader share the one read ...
      assertThat(ScanTokenHandoff.redeem(ref, null)).isEqualTo(TOKEN);
      assertThat(ScanTokenHandoff.redeemed(ref)).contains(TOKEN);
      assertThat(ScanTokenHandoff.redeemedInThisJvm(ref)).isTrue();
      // ... anyone else reading the reference finds it gone, told so without the token.
      assertThatThrownBy(() -> ScanTokenHandoff.read(TokenReference.parse(ref), null))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(ScanTokenHandoff.REFERENCE).hasMessageContaining("it does not exist")
          .hasMessageContaining("read once").hasMessageNotContaining(TOKEN);
    }
  }

  @Test
  void resolvedPutsTheTokenInPlaceOfTheReference() throws Exception {
    try (ScanTokenHandoff tokens = ScanTokenHandoff.files()) {
      String ref = tokens.put("scan-2", TOKEN);
      Map<String, String> env = ScanTokenHandoff.resolved(Map.of(ScanTokenHandoff.REFERENCE, ref, "X", "y"), null);
      assertThat(env).containsEntry(ScanTokenHandoff.TOKEN, TOKEN).containsEntry("X", "y")
          .doesNotContainKey(ScanTokenHandoff.REFERENCE);
      Map<String, String> none = Map.of("X", "y");
      assertThat(ScanTokenHandoff.resolved(none, null)).isSameAs(none);
    }
  }

  @Test
  void aTokenFileGroupOrOthersMayReadIsRefusedAndKept() throws Exception {
    try (ScanTokenHandoff tokens = ScanTokenHandoff.files()) {
      String ref = tokens.put("scan-3", TOKEN);
      Path file = Path.of(URI.create(ref));
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
      assertThat(TokenReference.parse(ref).fileState()).isEqualTo(TokenReference.FileState.OPEN);
      assertThatThrownBy(() -> ScanTokenHandoff.redeem(ref, null)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(ScanTokenHandoff.REFERENCE).hasMessageContaining("group or others")
          .hasMessageNotContaining(TOKEN);
      assertThat(file).exists();
      assertThat(ScanTokenHandoff.redeemed(ref)).isEmpty();

      // An owner-only file in a directory others may enter and write is refused too.
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
      assertThatThrownBy(() -> ScanTokenHandoff.redeem(ref, null)).hasMessageContaining("group or others");
      assertThat(file).exists();
      Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void aFileTheHandoffDidNotWriteIsRefusedAndKept() throws Exception {
    Path other = Files.createTempFile("not-a-token-", ".txt");
    try {
      assertThatThrownBy(() -> ScanTokenHandoff.redeem(other.toUri().toString(), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(ScanTokenHandoff.REFERENCE + " names a file that is not a scan token file");
      assertThat(other).exists();
      // A link named like a token file is not a regular file: refused, the target kept.
      Path dir = Files.createTempDirectory("vega-scan-tokens-");
      Path link = Files.createSymbolicLink(dir.resolve("token-scan-4-1"), other);
      assertThatThrownBy(() -> ScanTokenHandoff.redeem(link.toUri().toString(), null))
          .hasMessageContaining("not a regular file");
      assertThat(other).exists();
      Files.delete(link);
      Files.delete(dir);
    } finally {
      Files.deleteIfExists(other);
    }
  }

  @Test
  void aMalformedReferenceIsRefusedNamingTheSettingAndWhatItAcceptsNeverTheValue() {
    for (String bad : new String[] {TOKEN, "hunter2", "arn:aws:s3:::vega-artifacts", "file:relative/token-1",
        "file:/tmp/vega-scan-tokens-1/../token-1", "https://example.com/token-1"}) {
      assertThatThrownBy(() -> ScanTokenHandoff.redeem(bad, null)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(ScanTokenHandoff.REFERENCE)
          .hasMessageContaining("Secrets Manager secret ARN").hasMessageContaining("file: URI")
          .hasMessageNotContaining(bad);
    }
    assertThat(ScanTokenHandoff.redeemed(TOKEN)).isEmpty();
  }

  @Test
  void aSecretReferenceWithoutAClientIsRefusedNamingTheSetting() {
    String arn = "arn:aws:secretsmanager:us-west-1:123456789012:secret:vega/dev/scan-tokens/scan-5-AbCdEf";
    assertThat(TokenReference.parse(arn).kind()).isEqualTo(TokenReference.Kind.SECRET_ARN);
    assertThatThrownBy(() -> ScanTokenHandoff.redeem(arn, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(ScanTokenHandoff.REFERENCE + " is a Secrets Manager secret ARN")
        .hasMessageContaining("SecretsManagerClient");
  }

  @Test
  void unreadTokensAreRemovedWhenTheWorkerCloses() throws Exception {
    Path file;
    try (ScanTokenHandoff tokens = ScanTokenHandoff.files()) {
      file = Path.of(URI.create(tokens.put("scan-6", "t")));
      assertThat(file).exists();
    }
    assertThat(file).doesNotExist();
    assertThat(file.getParent()).doesNotExist();
  }

  /** The file hand-off needs no AWS SDK: core's SDK modules are optional. */
  @Test
  void theFileHandoffWorksWithoutTheAwsSdkOnTheClassPath() throws Throwable {
    URL core = ScanTokenHandoff.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader noSdk = new URLClassLoader(new URL[] {core}, ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> noSdk.loadClass("software.amazon.awssdk.services.secretsmanager.SecretsManagerClient"))
          .isInstanceOf(ClassNotFoundException.class);
      Class<?> handoff = noSdk.loadClass(ScanTokenHandoff.class.getName());
      assertThat(handoff).isNotSameAs(ScanTokenHandoff.class);
      // Called as code compiled without the SDK calls it: only these members are resolved.
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Object tokens = lookup.findStatic(handoff, "files", MethodType.methodType(handoff)).invoke();
      try {
        String ref = (String) lookup.findVirtual(handoff, "put", MethodType.methodType(String.class, String.class,
            String.class)).invoke(tokens, "scan-7", TOKEN);
        Object token = lookup.findStatic(handoff, "redeem", MethodType.methodType(String.class, String.class))
            .invoke(ref);
        assertThat(token).isEqualTo(TOKEN);
        assertThat(Path.of(URI.create(ref))).doesNotExist();
        // Another copy of the class (as the agent's relocated core is) has its own cache, but the JVM knows.
        assertThat(ScanTokenHandoff.redeemed(ref)).isEmpty();
        assertThat(ScanTokenHandoff.redeemedInThisJvm(ref)).isTrue();
      } finally {
        ((AutoCloseable) tokens).close();
      }
    }
  }
}
