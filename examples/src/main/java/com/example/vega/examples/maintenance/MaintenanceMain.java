package com.example.vega.examples.maintenance;

import com.example.vega.examples.common.Database;
import com.example.vega.examples.common.ServiceRuntime;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.checks.VegaChecks;
import com.example.vega.health.VegaRole;
import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * vega-maintenance (an ECS RunTask task, {@code scripts/aws/run-migrations.sh}): embeds the module
 * like the other services. Its checks run once before it touches the schema and a failing one stops
 * it with the check's hint and exit code 3 (a missing migration is what it is about to apply, so
 * that one does not); then each migration runs as a span of one {@code vega-maintenance migrate}
 * trace. Exit 0 when the schema is up to date, 1 when a migration failed, 2 on a malformed setting.
 */
public final class MaintenanceMain {
  private static final System.Logger LOG = System.getLogger(MaintenanceMain.class.getName());

  private MaintenanceMain() {}

  public static void main(String[] args) {
    ServiceRuntime.exitWith(MaintenanceMain::run);
  }

  /** Checks, then migrates the database {@code VEGA_DATABASE_URL} names; returns the exit code. */
  public static int run(Map<String, String> env) {
    try (ServiceRuntime runtime = new ServiceRuntime(VegaRole.MAINTENANCE, env);
        HikariDataSource db = Database.pool(runtime.env().require("VEGA_DATABASE_URL"), "vega-maintenance", 2)) {
      runtime.startHealth(VegaChecks.Clients.builder().dataSource(db).build());
      // A missing migration is what it is here to apply; anything else stops it before the schema.
      HealthMonitor.StartupFailure notReady = runtime.awaitReady(r -> r.errorKind() == ErrorKind.MIGRATION_MISSING)
          .orElse(null);
      if (notReady != null) {
        LOG.log(System.Logger.Level.ERROR, "vega-maintenance stops before migrating, exit " + ServiceRuntime.NOT_READY
            + ": " + notReady.line());
        return ServiceRuntime.NOT_READY;
      }
      Span migrate = runtime.tracing().tracer().spanBuilder("vega-maintenance migrate").setParent(Context.root())
          .startSpan();
      try (Scope ignored = migrate.makeCurrent()) {
        List<String> applied = Migrations.apply(db, runtime.tracing().tracer());
        LOG.log(System.Logger.Level.INFO, applied.isEmpty() ? "schema up to date, nothing to apply"
            : "applied " + String.join(", ", applied));
        return 0;
      } catch (SQLException | RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "migration failed: " + e.getMessage()
            + " (inspect schema_migrations to see what is applied; each migration is one transaction)");
        return 1;
      } finally {
        migrate.end();
      }
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.ERROR, "vega-maintenance cannot start: " + e.getMessage());
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (java.io.IOException e) {
      LOG.log(System.Logger.Level.ERROR, "vega-maintenance cannot serve its health: " + e.getMessage());
      return 2;
    }
  }
}
