package com.example.vega.health.checks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {
  private static final SqlFailures.Target DB = new SqlFailures.Target("db.internal:5432", "vega", "vega-worker", "dev");

  private static CheckResult state(String sqlState) {
    return SqlFailures.of(new SQLException("server said " + sqlState, sqlState), DB, false);
  }

  @Test
  void eachKnownSqlStateHasItsKindAndTheRunbooksStep() {
    assertThat(state("28P01").errorKind()).isEqualTo(ErrorKind.AUTHENTICATION);
    CheckResult role = state("28000");
    assertThat(role.errorKind()).isEqualTo(ErrorKind.AUTHENTICATION);
    assertThat(role.message()).isEqualTo("authentication failed for user 'vega' on db.internal:5432");
    assertThat(role.hint()).isEqualTo("check the database credentials in Secrets Manager (the secret referenced in "
        + "the vega-worker task definition) and VEGA_DATABASE_URL");

    assertThat(state("3D000").errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(state("53300").errorKind()).isEqualTo(ErrorKind.SATURATED);
    for (String s : new String[] {"57P01", "57P03"}) {
      CheckResult r = state(s);
      assertThat(r.status()).as(s).isEqualTo(Status.DOWN);
      assertThat(r.errorKind()).as(s).isEqualTo(ErrorKind.SERVER_ERROR);
      assertThat(r.hint()).as(s).contains("RDS instance status and events");
    }
  }

  @Test
  void aStatementTimeoutIsAQueryTheServerDidNotAnswer() {
    CheckResult r = state("57014"); // pgjdbc's setQueryTimeout cancels the statement
    assertThat(r.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
    assertThat(r.message()).isEqualTo("db.internal:5432 accepted the connection but did not answer in time");
    assertThat(r.hint()).contains("blocking locks (pg_stat_activity)");
  }

  @Test
  void aMissingColumnAsksWhetherEveryMigrationIsApplied() {
    CheckResult r = SqlFailures.of(new SQLException(
        "ERROR: column \"severity\" does not exist\n  Position: 8", "42703"), DB, false);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MIGRATION_MISSING);
    assertThat(r.message()).isEqualTo("a column is missing: ERROR: column \"severity\" does not exist");
    // Neutral: which migration, and how this service applies it, is the postgres check's to say.
    assertThat(r.hint()).contains("VEGA_EXPECTED_MIGRATION").doesNotContain("run-migrations", "vega-maintenance");
    assertThat(SqlFailures.of(new SQLException("relation does not exist", "42P01"), DB, false).errorKind())
        .isEqualTo(ErrorKind.MIGRATION_MISSING);
  }

  @Test
  void networkCausesAreToldApartAndAConnectTimeoutOnlyWhileConnecting() {
    SQLException unknown = new SQLException("The connection attempt failed.", "08001",
        new UnknownHostException("db.internal"));
    assertThat(SqlFailures.of(unknown, DB, true).errorKind()).isEqualTo(ErrorKind.UNKNOWN_HOST);
    assertThat(SqlFailures.of(unknown, DB, true).hint()).contains("DNS");

    SQLException connect = new SQLException("x", "08001", new SocketTimeoutException("Connect timed out"));
    assertThat(SqlFailures.of(connect, DB, true).errorKind()).isEqualTo(ErrorKind.CONNECT_TIMEOUT);
    assertThat(SqlFailures.of(connect, DB, false).errorKind()).isEqualTo(ErrorKind.TIMEOUT);

    SQLException read = new SQLException("x", "08006", new SocketTimeoutException("Read timed out"));
    CheckResult hung = SqlFailures.of(read, DB, true);
    assertThat(hung.errorKind()).isEqualTo(ErrorKind.TIMEOUT);
    assertThat(hung.message()).isEqualTo("db.internal:5432 accepted the connection but did not answer in time");
  }

  @Test
  void anUnknownStateIsOtherAndNamesIt() {
    CheckResult r = state("XX000");
    assertThat(r.errorKind()).isEqualTo(ErrorKind.OTHER);
    assertThat(r.message()).isEqualTo("database error XX000: server said XX000");
    assertThat(r.hint()).isEqualTo("see the vega-worker logs");
    assertThat(SqlFailures.kind("XX000")).isNull();
  }

  @Test
  void theLogsAreWhereTheServiceSaysTheyAreAndNoLogGroupOtherwise() {
    SqlFailures.Target house = new SqlFailures.Target("db.internal:5432", "vega", "vega-worker", "dev",
        "the vega-worker logs (aws logs tail /vega/dev/vega-worker --since 30m)");
    CheckResult r = SqlFailures.of(new SQLException("server said XX000", "XX000"), house, false);
    assertThat(r.hint()).isEqualTo("see the vega-worker logs (aws logs tail /vega/dev/vega-worker --since 30m)");
    assertThat(state("XX000").hint()).doesNotContain("aws logs", "/vega/");
  }
}
