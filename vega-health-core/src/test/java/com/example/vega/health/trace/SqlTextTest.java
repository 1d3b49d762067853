package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlTextTest {

  @Test
  void literalsBecomeQuestionMarksAndIdentifiersStay() {
    assertThat(SqlText.sanitize("UPDATE \"Scans\" SET status = 'it''s done', retries = 3, score = 1.5e3"
        + " WHERE id = $1 AND token = $$hunter2$$ AND k = $tag$x$tag$ AND col2 = ?"))
        .isEqualTo("UPDATE \"Scans\" SET status = ?, retries = ?, score = ? WHERE id = $1 AND token = ?"
            + " AND k = ? AND col2 = ?");
  }

  @Test
  void commentsAreDroppedBecauseTheyCanCarryAnything() {
    assertThat(SqlText.sanitize("SELECT 1 -- password=hunter2\nFROM scans /* token abc */"))
        .isEqualTo("SELECT ? \nFROM scans").doesNotContain("hunter2", "abc");
  }

  @Test
  void anUnterminatedLiteralHidesTheRest() {
    assertThat(SqlText.sanitize("SELECT * FROM users WHERE password = 'hunter2")).isEqualTo("SELECT * FROM users WHERE password = ?");
  }

  @Test
  void summaryIsTheOperationAndItsMainTable() {
    assertThat(SqlText.summarize("insert into findings (scan_id) values (?)")).isEqualTo(new SqlText.Summary("INSERT", "findings"));
    assertThat(SqlText.summarize("UPDATE scans SET status = 'x'")).isEqualTo(new SqlText.Summary("UPDATE", "scans"));
    assertThat(SqlText.summarize("DELETE FROM scans WHERE id = ?")).isEqualTo(new SqlText.Summary("DELETE", "scans"));
    assertThat(SqlText.summarize("SELECT a, b FROM scans s WHERE 1 = 1")).isEqualTo(new SqlText.Summary("SELECT", "scans"));
    assertThat(SqlText.summarize("SELECT 1")).isEqualTo(new SqlText.Summary("SELECT", null));
    assertThat(SqlText.summarize("  ")).isEqualTo(new SqlText.Summary("QUERY", null));
    assertThat(SqlText.summarize("BEGIN")).isEqualTo(new SqlText.Summary("BEGIN", null));
  }
}
