package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void libpqUriKeepsThePasswordApart() {
    DatabaseUrl u = DatabaseUrl.parse("VEGA_DATABASE_URL", "postgresql://vega:p%40ss@db.internal:6432/vega?sslmode=require");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/vega?sslmode=require");
    assertThat(u.user()).isEqualTo("vega");
    assertThat(u.password()).isEqualTo("p@ss");
    assertThat(u.toString()).doesNotContain("p@ss");
    assertThat(u.address()).isEqualTo("db.internal:6432/vega");
  }

  @Test
  void jdbcUrlCredentialsComeOutOfTheQuery() {
    DatabaseUrl u = DatabaseUrl.parse("VEGA_DATABASE_URL", "jdbc:postgresql://127.0.0.1/vega?user=a&password=b&ssl=true");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/vega?ssl=true");
    assertThat(u.user()).isEqualTo("a");
    assertThat(u.password()).isEqualTo("b");
  }

  @Test
  void malformedUrlNamesTheSettingNeverTheValue() {
    assertThatThrownBy(() -> DatabaseUrl.parse("VEGA_DATABASE_URL", "mysql://root:hunter2@db/vega"))
        .hasMessageStartingWith("VEGA_DATABASE_URL is not a Postgres URL").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("VEGA_DATABASE_URL", "postgresql://u:hunter2@/vega"))
        .hasMessageContaining("VEGA_DATABASE_URL").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("VEGA_DATABASE_URL", "postgresql://u:hun ter2@h/vega"))
        .hasMessageNotContaining("hun ter2");
  }

  @Test
  void hostPortIsWhatMessagesNameWithoutDatabaseOrCredentials() {
    DatabaseUrl u = DatabaseUrl.parse("VEGA_DATABASE_URL", "jdbc:postgresql://db.internal:5433/vega?user=v&password=pw&sslmode=require");
    assertThat(u.hostPort()).isEqualTo("db.internal:5433");
    assertThat(u.address()).isEqualTo("db.internal:5433/vega");
    assertThat(u.jdbcUrl()).doesNotContain("pw").contains("sslmode=require");
  }
}
