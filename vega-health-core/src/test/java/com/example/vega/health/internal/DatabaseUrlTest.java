package com.example.vega.health.internal;

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

  @Test
  void aPlusInALibpqPasswordStaysAPlusAndEveryHostIsKept() {
    DatabaseUrl u = DatabaseUrl.parse("VEGA_DATABASE_URL",
        "postgres://vega:a+b%2Fc%25d%40e@db1.internal:5432,db2.internal,[::1]:6432/vega?target_session_attrs=read-write");
    assertThat(u.password()).isEqualTo("a+b/c%d@e");
    assertThat(u.hostPort()).isEqualTo("db1.internal:5432,db2.internal:5432,[::1]:6432");
    assertThat(u.jdbcUrl()).isEqualTo(
        "jdbc:postgresql://db1.internal:5432,db2.internal:5432,[::1]:6432/vega?target_session_attrs=read-write");
  }

  @Test
  void libpqQueryValuesAreReEncodedForTheDriver() {
    DatabaseUrl u = DatabaseUrl.parse("VEGA_DATABASE_URL",
        "postgresql://db.internal/vega?application_name=a+b%20c&options=-c%20x%3D1");
    // pgjdbc form-decodes its URL: the value it reads back is what libpq would have read.
    assertThat(u.jdbcUrl()).isEqualTo(
        "jdbc:postgresql://db.internal:5432/vega?application_name=a%2Bb+c&options=-c+x%3D1");
    assertThat(org.postgresql.Driver.parseURL(u.jdbcUrl(), null).getProperty("application_name")).isEqualTo("a+b c");
  }

  @Test
  void aJdbcUrlIsReadByTheDriverItself() {
    DatabaseUrl u = DatabaseUrl.parse("VEGA_DATABASE_URL",
        "jdbc:postgresql://h1:5433,h2/vega?user=v%2Bw&password=p%2Bq%25r&targetServerType=primary");
    assertThat(u.user()).isEqualTo("v+w");
    assertThat(u.password()).isEqualTo("p+q%r");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5433,h2:5432/vega?targetServerType=primary");
  }

  @Test
  void credentialsBeforeTheHostOfAJdbcUrlAreRefusedWithoutQuotingThem() {
    assertThatThrownBy(() -> DatabaseUrl.parse("VEGA_DATABASE_URL", "jdbc:postgresql://u:hunter2@db/vega"))
        .hasMessageContaining("VEGA_DATABASE_URL").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("VEGA_DATABASE_URL", "postgresql://u:hunter2@db:99999/vega"))
        .hasMessageContaining("port").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("VEGA_DATABASE_URL", "postgresql://u:hunter2%zz@db/vega"))
        .hasMessageContaining("VEGA_DATABASE_URL").hasMessageNotContaining("hunter2");
    assertThat(DatabaseUrl.isWellFormed("jdbc:postgresql://u:hunter2@db/vega")).isFalse();
    assertThat(DatabaseUrl.isWellFormed("postgresql://db/vega")).isTrue();
  }
}
