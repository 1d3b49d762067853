package com.example.vega.health.agent.doctor;

import com.example.vega.health.VegaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The doctor's command line, parsed: {@code --flag}, {@code --option value} (or
 * {@code --option=value}) and positional words (the subcommand and its operand).
 */
record Args(Map<String, String> options, Set<String> flags, List<String> positional) {
  private static final Set<String> FLAGS = Set.of("json", "aws", "plain", "help");
  private static final Set<String> OPTIONS = Set.of("role", "url", "token", "frontend", "timeout",
      "services", "since", "lines", "sqs-sample", "sqs-max-age", "scans-table", "findings-table", "id-column",
      "status-column", "runner-task-column", "failure-column", "findings-scan-column", "events-type",
      "artifacts-prefix", "wait");

  Args {
    options = Map.copyOf(options);
    flags = Set.copyOf(flags);
    positional = List.copyOf(positional);
  }

  String get(String k, String fallback) {
    return options.getOrDefault(k, fallback);
  }

  @Nullable String get(String k) {
    return options.get(k);
  }

  boolean has(String flag) {
    return flags.contains(flag);
  }

  static Args parse(String[] argv) throws CannotRun {
    Map<String, String> options = new LinkedHashMap<>();
    Set<String> flags = new HashSet<>();
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
            throw new CannotRun("--" + k + " needs a value; " + Doctor.USAGE);
          }
          v = argv[++i];
        }
        options.put(k, v);
      } else {
        throw new CannotRun("unknown option " + VegaSettings.shown("--" + k) + "; " + Doctor.USAGE);
      }
    }
    return new Args(options, flags, positional);
  }

  /** {@code 10s}, {@code 500ms}, {@code 30m}, {@code 2h} or plain seconds; at most 14 days. */
  static Duration duration(String v, String what) throws CannotRun {
    try {
      String s = v.trim().toLowerCase(Locale.ROOT);
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
      throw new CannotRun(what + " " + VegaSettings.shown(v) + " is not a duration like 10s, 30m or 2h");
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
      throw new CannotRun(what + " " + VegaSettings.shown(v) + " must be a number from 1 to " + max);
    }
  }
}
