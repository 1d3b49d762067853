package com.example.vega.health.agent;

import com.example.vega.health.VegaSettings;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code doctor} command: walks the runbook for this environment and prints each hop, its
 * status and latency, and for the first failing hop the runbook's next step.
 *
 * <p>Exit codes: 0 all good, 1 a hop is DOWN, 2 the doctor could not run (bad arguments, an
 * endpoint that does not answer, an answer that is not what it should be). Exit 2 always prints
 * one line on stderr and never a stack trace.
 */
final class Doctor {
  static final String USAGE = "usage: doctor [--role api|worker|runner|llm-proxy|maintenance|all]"
      + " | --url https://api.<env>... [--token T] [--frontend URL]"
      + " | --aws [--services a,b] [--since 30m] [--lines N]"
      + " | scan <scan-id> [--scans-table T ...]   [--json] [--timeout 10s]";

  private static final Set<String> FLAGS = Set.of("json", "aws", "plain", "help");
  private static final Set<String> OPTIONS = Set.of("role", "url", "token", "frontend", "timeout",
      "services", "since", "lines", "sqs-sample", "scans-table", "findings-table", "id-column",
      "status-column", "runner-task-column", "failure-column", "findings-scan-column", "events-type",
      "artifacts-prefix");

  /** Thrown for anything that stops the doctor from running: printed as one line, exit 2. */
  static final class CannotRun extends Exception {
    private static final long serialVersionUID = 1L;

    CannotRun(String message) {
      super(message, null, false, false);
    }
  }

  /** Parsed command line. */
  record Args(Map<String, String> options, Set<String> flags, List<String> positional) {
    String get(String k, String fallback) {
      return options.getOrDefault(k, fallback);
    }

    boolean has(String flag) {
      return flags.contains(flag);
    }
  }

  private Doctor() {}

  /** Whether output goes to a person's terminal (colour, progress) rather than a pipe. */
  static boolean isTerminal() {
    return System.console() != null;
  }

  static int main(String[] argv, PrintStream out, PrintStream err, VegaSettings env, boolean terminal) {
    try {
      Args args = parse(argv);
      if (args.has("help")) {
        out.println(USAGE);
        return Report.OK;
      }
      boolean colour = terminal && !args.has("plain") && !args.has("json");
      PrintStream progress = terminal && !args.has("json") ? err : null;
      Duration timeout = duration(args.get("timeout", "10s"), "--timeout");
      Report report;
      String mode;
      if (!args.positional().isEmpty() && args.positional().get(0).equals("scan")) {
        if (args.positional().size() != 2) {
          throw new CannotRun("scan needs exactly one scan id: doctor scan <scan-id>");
        }
        mode = "scan";
        report = ScanRun.run(args.positional().get(1), args, env, timeout);
      } else if (!args.positional().isEmpty()) {
        throw new CannotRun("unknown command '" + AgentConfig.shorten(args.positional().get(0)) + "'; " + USAGE);
      } else if (args.options().containsKey("url")) {
        mode = "url";
        report = UrlRun.run(args, env, timeout, progress);
      } else if (args.has("aws")) {
        mode = "aws";
        report = AwsRun.run(args, env, timeout, progress);
      } else {
        mode = "checks";
        report = ChecksRun.run(args, env, timeout, progress);
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
      return Report.COULD_NOT_RUN;
    } catch (Throwable e) {
      // A bug or an environment we did not foresee: still one line, still exit 2.
      err.println("vega doctor: could not run: " + Text.oneLine(String.valueOf(e)));
      return Report.COULD_NOT_RUN;
    }
  }

  static Args parse(String[] argv) throws CannotRun {
    Map<String, String> options = new LinkedHashMap<>();
    Set<String> flags = new java.util.HashSet<>();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        positional.add(a);
        continue;
      }
      String k = a.substring(2);
      String v = null;
      int eq = k.indexOf('=');
      if (eq >= 0) {
        v = k.substring(eq + 1);
        k = k.substring(0, eq);
      }
      if (FLAGS.contains(k) && v == null) {
        flags.add(k);
      } else if (OPTIONS.contains(k)) {
        if (v == null) {
          if (i + 1 >= argv.length) {
            throw new CannotRun("--" + k + " needs a value; " + USAGE);
          }
          v = argv[++i];
        }
        options.put(k, v);
      } else {
        throw new CannotRun("unknown option '--" + AgentConfig.shorten(k) + "'; " + USAGE);
      }
    }
    return new Args(options, flags, positional);
  }

  static Duration duration(String v, String what) throws CannotRun {
    try {
      String s = v.trim().toLowerCase(java.util.Locale.ROOT);
      Duration d;
      if (s.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      } else if (s.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      } else if (s.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
      } else if (s.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
      } else {
        d = Duration.ofSeconds(Long.parseLong(s));
      }
      if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(14)) > 0) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new CannotRun(what + " '" + AgentConfig.shorten(v) + "' is not a duration like 10s, 30m or 2h");
    }
  }

  static int positiveInt(String v, String what, int max) throws CannotRun {
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1 || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new CannotRun(what + " '" + AgentConfig.shorten(v) + "' must be a number from 1 to " + max);
    }
  }

  static void progress(PrintStream progress, String line) {
    if (progress != null) {
      progress.println("… " + line);
    }
  }
}
