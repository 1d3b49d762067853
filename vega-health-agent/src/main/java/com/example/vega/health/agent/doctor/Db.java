package com.example.vega.health.agent.doctor;

import com.example.vega.health.VegaSettings;
import java.util.regex.Pattern;

/** Table and column names the doctor's flags may change: plain SQL identifiers only. */
final class Db {
  static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

  private Db() {}

  static String identifier(String v, String what) throws CannotRun {
    if (v == null || !IDENTIFIER.matcher(v).matches()) {
      throw new CannotRun(what + " " + VegaSettings.shown(v) + " is not a plain SQL identifier");
    }
    return v;
  }
}
