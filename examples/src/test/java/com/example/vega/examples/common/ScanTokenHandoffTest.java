package com.example.vega.examples.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local (file) handoff: owner-only, read once, and never a file the worker did not write. */
class ScanTokenHandoffTest {

  @Test
  void tokenFileIsOwnerOnlyReadOnceAndGone() throws Exception {
    try (ScanTokenHandoff tokens = ScanTokenHandoff.files()) {
      String ref = tokens.put("scan-1", "eyJhbGciOi.payload.sig");
      Path file = Path.of(java.net.URI.create(ref));
      assertThat(Files.getPosixFilePermissions(file))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      assertThat(ScanTokenHandoff.resolved(Map.of(ScanTokenHandoff.REFERENCE, ref)))
          .containsEntry("VEGA_LLM_PROXY_TOKEN", "eyJhbGciOi.payload.sig")
          .doesNotContainKey(ScanTokenHandoff.REFERENCE);
      assertThat(file).doesNotExist();
      assertThatThrownBy(() -> ScanTokenHandoff.redeem(ref, null)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("it is read once");
    }
  }

  @Test
  void referenceToAnyOtherFileIsRefusedAndTheFileKept() throws Exception {
    Path other = Files.createTempFile("not-a-token-", ".txt");
    try {
      assertThatThrownBy(() -> ScanTokenHandoff.redeem(other.toUri().toString(), null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ScanTokenHandoff.REFERENCE);
      assertThat(other).exists();
      assertThatThrownBy(() -> ScanTokenHandoff.redeem("hunter2", null))
          .hasMessage(ScanTokenHandoff.REFERENCE + " must be a Secrets Manager secret ARN or a file: URI");
    } finally {
      Files.deleteIfExists(other);
    }
  }

  @Test
  void unreadTokensAreRemovedWhenTheWorkerCloses() throws Exception {
    Path file;
    try (ScanTokenHandoff tokens = ScanTokenHandoff.files()) {
      file = Path.of(java.net.URI.create(tokens.put("scan-2", "t")));
      assertThat(file).exists();
    }
    assertThat(file).doesNotExist();
    assertThat(file.getParent()).doesNotExist();
  }
}
