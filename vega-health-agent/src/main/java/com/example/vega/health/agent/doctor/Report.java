package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.internal.Json;
import java.io.PrintStream;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one doctor run found, hop by hop in runbook order, and how it is printed: plain text for a
 * person (colours only in a terminal) or JSON for a machine.
 *
 * @param title what was examined, e.g. {@code role worker, environment dev}
 * @param hops in runbook order
 * @param notes lines printed before the hops (what was not checked, and why)
 */
record Report(String title, List<Hop> hops, List<String> notes) {
  Report {
    Objects.requireNonNull(title, "title");
    hops = List.copyOf(hops);
    notes = List.copyOf(notes);
  }

  /** 1 when a hop is DOWN; 0 otherwise (DEGRADED and UNKNOWN are printed as warnings). */
  int exitCode() {
    for (Hop h : hops) {
      if (h.status() == Status.DOWN) {
        return Doctor.DOWN;
      }
    }
    return Doctor.OK;
  }

  /** The first DOWN hop, else the first hop that is not UP: where to look next. */
  @Nullable Hop firstFailing() {
    for (Hop h : hops) {
      if (h.status() == Status.DOWN) {
        return h;
      }
    }
    for (Hop h : hops) {
      if (h.status() != Status.UP) {
        return h;
      }
    }
    return null;
  }

  void printText(PrintStream out, boolean colour) {
    out.println("vega doctor: " + title);
    for (String n : notes) {
      out.println("  note: " + n);
    }
    int width = 8;
    for (Hop h : hops) {
      width = Math.max(width, Math.min(48, h.name().length()));
    }
    int i = 1;
    for (Hop h : hops) {
      String status = String.format("%-8s", h.status().name());
      if (colour) {
        status = colour(h.status()) + status + "\u001b[0m";
      }
      out.printf("%2d. %-" + width + "s  %s %6d ms  %s%n", i++, h.name(), status, h.latencyMs(), h.detail());
      for (String e : h.evidence()) {
        out.println("      " + e);
      }
    }
    Hop first = firstFailing();
    if (first == null) {
      out.println("All " + hops.size() + " hops are UP.");
    } else {
      out.println((first.status() == Status.DOWN ? "First failing hop: " : "First warning: ") + first.name()
          + " (" + first.status() + ")");
      if (!first.hint().isEmpty()) {
        out.println("Next: " + first.hint());
      }
    }
  }

  private static String colour(Status s) {
    return switch (s) {
      case UP -> "\u001b[32m";
      case DEGRADED, UNKNOWN -> "\u001b[33m";
      case DOWN -> "\u001b[31m";
    };
  }

  void printJson(PrintStream out, String mode) {
    Json j = new Json(1024);
    j.beginObject().field("mode", mode, 32).field("title", title, 512).field("exitCode", exitCode());
    Hop first = firstFailing();
    if (first != null) {
      j.field("firstFailingHop", first.name(), 256);
      j.field("next", first.hint(), 1024);
    }
    j.name("notes").beginArray();
    for (String n : notes) {
      j.value(n, 1024);
    }
    j.endArray();
    j.name("hops").beginArray();
    for (Hop h : hops) {
      j.beginObject()
          .field("name", h.name(), 256)
          .field("status", h.status().name(), 16)
          .field("latencyMs", h.latencyMs())
          .field("detail", h.detail(), 1024)
          .field("hint", h.hint(), 1024);
      j.name("evidence").beginArray();
      for (String e : h.evidence()) {
        j.value(e, 1024);
      }
      j.endArray().endObject();
    }
    j.endArray().endObject();
    out.println(j);
  }
}
