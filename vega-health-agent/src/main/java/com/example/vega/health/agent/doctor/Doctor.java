package com.example.vega.health.agent.doctor;

import com.example.vega.health.VegaSettings;
import com.example.vega.health.agent.Text;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;

/**
 * The {@code doctor} command: walks the runbook for this environment and prints each hop, its
 * status and latency, and for the first failing hop the runbook's next step.
 *
 * <p>Exit codes: 0 all good, 1 a hop is DOWN, 2 the doctor could not run (bad arguments, an
 * endpoint that does not answer, an answer that is not what it should be). Exit 2 always prints
 * one line on stderr and never a stack trace.
 */
public final class Doctor {
  static final String USAGE = "usage: doctor [--role api|worker|runner|llm-proxy|maintenance|all]"
      + " | --url https://api.<env>... [--token T] [--frontend URL]"
      + " | --aws [--services a,b] [--since 30m] [--lines N]"
      + " | scan <scan-id> [--scans-table T ...]"
      + " | login --url https://api.<env>... [--token <access token> | the token on stdin]"
      + " | smoke --url https://api.<env>... [--token - (the token on stdin)] [--wait 120s]"
      + "  [--json] [--timeout 10s]";

  static final int OK = 0;
  static final int DOWN = 1;
  static final int COULD_NOT_RUN = 2;

  private Doctor() {}

  /** Whether output goes to a person's terminal (colour, progress) rather than a pipe. */
  public static boolean isTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    // From JDK 22, System.console() is never null, even with both streams redirected; it then
    // says whether it is a terminal through Console.isTerminal(), absent from the JDK 17 we build on.
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 17 to 21: a console exists only on a terminal
    }
  }

  /** Runs {@code doctor argv...}; returns the exit code. */
  public static int main(String[] argv, InputStream in, PrintStream out, PrintStream err, VegaSettings env,
      boolean terminal) {
    return main(argv, in, out, err, env, terminal, Clock.systemUTC());
  }

  static int main(String[] argv, InputStream in, PrintStream out, PrintStream err, VegaSettings env,
      boolean terminal, Clock clock) {
    try {
      Args args = Args.parse(argv);
      if (args.has("help")) {
        out.println(USAGE);
        return OK;
      }
      boolean colour = terminal && !args.has("plain") && !args.has("json");
      PrintStream progress = terminal && !args.has("json") ? err : null;
      Duration timeout = Args.duration(args.get("timeout", "10s"), "--timeout");
      String command = args.positional().isEmpty() ? "" : args.positional().get(0);
      Report report;
      String mode;
      try (Context ctx = new Context(env, timeout, clock, progress)) {
        switch (command) {
          case "scan" -> {
            if (args.positional().size() != 2) {
              throw new CannotRun("scan needs exactly one scan id: doctor scan <scan-id>");
            }
            mode = "scan";
            report = ScanRun.run(args.positional().get(1), args, ctx);
          }
          case "login" -> {
            mode = "login";
            report = LoginRun.run(args, ctx, in);
          }
          case "smoke" -> {
            mode = "smoke";
            report = SmokeRun.run(args, ctx, in);
          }
          case "" -> {
            if (args.get("url") != null) {
              mode = "url";
              report = UrlRun.run(args, ctx);
            } else if (args.has("aws")) {
              mode = "aws";
              report = AwsRun.run(args, ctx);
            } else {
              mode = "checks";
              report = ChecksRun.run(args, ctx);
            }
          }
          default -> throw new CannotRun("unknown command " + VegaSettings.shown(command) + "; " + USAGE);
        }
      }
      if (args.has("json")) {
        report.printJson(out, mode);
      } else {
        report.printText(out, colour);
      }
      out.flush();
      return report.exitCode();
    } catch (CannotRun e) {
      err.println("vega doctor: " + e.getMessage());
      return COULD_NOT_RUN;
    } catch (Throwable e) {
      // A bug or an environment we did not foresee: still one line, still exit 2.
      err.println("vega doctor: could not run: " + Text.oneLine(Failure.sentence(e)));
      return COULD_NOT_RUN;
    }
  }
}
