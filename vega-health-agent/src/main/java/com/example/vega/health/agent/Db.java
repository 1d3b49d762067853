package com.example.vega.health.agent;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.regex.Pattern;

/** What the doctor says when Postgres itself is the problem, in the runbook's words. */
final class Db {
  static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

  private Db() {}

  static String identifier(String v, String what) throws Doctor.CannotRun {
    if (v == null || !IDENTIFIER.matcher(v).matches()) {
      throw new Doctor.CannotRun(what + " '" + AgentConfig.shorten(String.valueOf(v)) + "' is not a plain SQL identifier");
    }
    return v;
  }

  /** One line on what went wrong, and the runbook's next step. */
  static String[] explain(SQLException e, String address) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    if (root instanceof ConnectException || state.equals("08001") && root instanceof ConnectException) {
      return new String[] {"connection refused on " + address,
          "Can't connect to Postgres: check VEGA_DATABASE_URL and the database security group"};
    }
    if (root instanceof UnknownHostException) {
      return new String[] {"the database host of " + address + " does not resolve",
          "check VEGA_DATABASE_URL (host name) and the VPC's DNS"};
    }
    if (root instanceof SocketTimeoutException || state.startsWith("08")) {
      return new String[] {"no connection to " + address + " in time (" + state + ")",
          "check the database security group and that this machine's network reaches " + address};
    }
    if (state.equals("28P01") || state.equals("28000")) {
      return new String[] {"Postgres rejected the credentials for " + address,
          "check the user and password in VEGA_DATABASE_URL (Secrets Manager, if the task definition reads it from there)"};
    }
    if (state.equals("3D000")) {
      return new String[] {"the database in " + address + " does not exist", "check the database name in VEGA_DATABASE_URL"};
    }
    if (state.equals("42P01")) {
      return new String[] {"a table is missing: " + Text.oneLine(e.getMessage()),
          "migrations may not be applied: scripts/aws/run-migrations.sh <env>, then inspect schema_migrations"};
    }
    if (state.equals("42703")) {
      return new String[] {"a column is missing: " + Text.oneLine(e.getMessage()),
          "is the latest migration (e.g. 004_findings_columns.sql) applied? Check the schema_migrations table,"
              + " or pass the column names with the doctor's --*-column options"};
    }
    return new String[] {"Postgres error " + state + ": " + Text.oneLine(e.getMessage()),
        "see the database's log; check VEGA_DATABASE_URL"};
  }
}
