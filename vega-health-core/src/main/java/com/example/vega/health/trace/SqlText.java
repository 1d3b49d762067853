package com.example.vega.health.trace;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a database span may say about a SQL statement: the text with every literal replaced by
 * {@code ?} (strings, dollar-quoted strings, numbers; comments dropped, as they can carry anything)
 * and a low-cardinality summary, "{operation} {table}", in the spirit of OpenTelemetry's JDBC
 * instrumentation ({@code db.query.summary}). Identifiers, quoted or not, are kept.
 */
final class SqlText {
  /** The operation (upper case) and main table of a statement, or a null table when none is found. */
  record Summary(String operation, @Nullable String table) {}

  private SqlText() {}

  static String sanitize(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      String tag = c == '$' ? dollarTag(sql, i) : null;
      if (c == '\'') { // 'it''s', also E'..' and B'..' (their prefix letter stays, harmless)
        i = skipQuoted(sql, i + 1, '\'');
        out.append('?');
      } else if (c == '"') { // a quoted identifier: kept
        int end = skipQuoted(sql, i + 1, '"');
        out.append(sql, i, end);
        i = end;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (tag != null) {
        int end = sql.indexOf(tag, i + tag.length());
        i = end < 0 ? n : end + tag.length();
        out.append('?');
      } else if (Character.isDigit(c) && (i == 0 || !isIdentifierPart(sql.charAt(i - 1)))) {
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
          i++;
        }
        out.append('?');
      } else if (isIdentifierPart(c)) {
        while (i < n && isIdentifierPart(sql.charAt(i))) {
          out.append(sql.charAt(i++));
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString().trim();
  }

  static Summary summarize(String sql) {
    String[] words = sanitize(sql).split("[\\s(),;]+");
    int first = 0;
    while (first < words.length && words[first].isEmpty()) {
      first++;
    }
    if (first == words.length) {
      return new Summary("QUERY", null);
    }
    String op = words[first].toUpperCase(Locale.ROOT);
    String after = switch (op) {
      case "INSERT" -> "INTO";
      case "DELETE", "SELECT" -> "FROM";
      case "UPDATE" -> null; // UPDATE <table>
      default -> "";
    };
    if (after != null && after.isEmpty()) {
      return new Summary(op, null);
    }
    for (int i = first + 1; i < words.length; i++) {
      if (after == null || words[i].equalsIgnoreCase(after)) {
        int t = after == null ? i : i + 1;
        return new Summary(op, t < words.length && !words[t].isEmpty() && !words[t].equals("?")
            ? words[t] : null);
      }
    }
    return new Summary(op, null);
  }

  private static int skipQuoted(String sql, int from, char quote) {
    int i = from;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2; // doubled quote inside the literal
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }

  /** The tag of a dollar-quoted string starting at {@code i} ($$ or $name$), or null ($1 is a parameter). */
  private static @Nullable String dollarTag(String sql, int i) {
    int j = i + 1;
    while (j < sql.length() && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_')) {
      j++;
    }
    return j < sql.length() && sql.charAt(j) == '$' ? sql.substring(i, j + 1) : null;
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }
}
