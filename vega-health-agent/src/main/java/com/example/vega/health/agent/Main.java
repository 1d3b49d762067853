package com.example.vega.health.agent;

import com.example.vega.health.VegaSettings;
import com.example.vega.health.agent.doctor.Doctor;
import java.util.Arrays;

/**
 * {@code java -jar vega-health-agent.jar doctor ...}; {@code probe <url>} is the ECS health check.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("doctor")) {
      // The doctor prints its own report; the monitor's status-change log (and the SDK's, through
      // SLF4J and System.Logger) would repeat it on stderr.
      java.util.logging.LogManager.getLogManager().reset();
      java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
      System.exit(Doctor.main(Arrays.copyOfRange(args, 1, args.length), System.in, System.out, System.err,
          VegaSettings.environment(), Doctor.isTerminal()));
    }
    if (args.length > 0 && args[0].equals("probe")) {
      Probe.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    System.err.println("usage: java -jar vega-health-agent.jar doctor [--role R|--url URL|--aws|scan <id>|login] [--json]"
        + "\n       java -jar vega-health-agent.jar probe [http://127.0.0.1:8081/v1/healthz/live]"
        + "\n       java -javaagent:vega-health-agent.jar ... (serves /v1/healthz; see docs/agent.md)");
    System.exit(2);
  }
}
