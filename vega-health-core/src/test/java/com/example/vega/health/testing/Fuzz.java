package com.example.vega.health.testing;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Seeded, reproducible fuzzing for plain JUnit tests. Every run prints its seed; a failure names
 * the seed and the case, and {@code -Dvega.fuzz.seed=<seed>} replays the same cases
 * ({@code -Dvega.fuzz.cases=<n>} runs more or fewer). Case {@code i} draws from its own generator,
 * so a failing case replays alone whatever the number of cases.
 */
public final class Fuzz {
  /** A password-like value planted in settings: mixed case, so never a "short lower-case word". */
  public static final String SECRET = "Pa55-W0rd!fuzz";

  private static final String WHITESPACE = " \t\n\r\u000b\f\u00a0\u2003\u3000";
  private static final String CONTROL = "\u0000\u0001\u0007\b\u001b\u007f\u0085\u009f";
  private static final String NON_ASCII = "\u00e9\u00df\u0663\u0416\u4e2d\u200b\u202e\ufeff\ufffd\ud83d";
  private static final String URL_JUNK = "%%zz%2|{}^`\"<>\\[]@:/?#&=;,+ ";

  private final String name;
  private final long seed;
  private final int cases;

  private Fuzz(String name, long seed, int cases) {
    this.name = name;
    this.seed = seed;
    this.cases = cases;
  }

  /** A run of {@code defaultCases} cases from {@code defaultSeed}, both overridable by property. */
  public static Fuzz of(String name, long defaultSeed, int defaultCases) {
    Fuzz f = new Fuzz(name, Long.getLong("vega.fuzz.seed", defaultSeed),
        Integer.getInteger("vega.fuzz.cases", defaultCases));
    // Printed on purpose: the seed is what makes a failure in CI reproducible on a laptop.
    System.out.println("[fuzz] " + name + ": seed=" + f.seed + " cases=" + f.cases
        + " (replay with -Dvega.fuzz.seed=" + f.seed + ")");
    return f;
  }

  public long seed() {
    return seed;
  }

  public int cases() {
    return cases;
  }

  /** The generator of case {@code i}, independent of every other case. */
  public SplittableRandom random(int i) {
    return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
  }

  /** Runs every case; a failure is rethrown naming the run, the seed and the case. */
  public void forEachCase(IntConsumer body) {
    for (int i = 0; i < cases; i++) {
      try {
        body.accept(i);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(name + " failed at case " + i + " (-Dvega.fuzz.seed=" + seed + "): "
            + e.getMessage(), e);
      }
    }
  }

  /** One of {@code options}. */
  @SafeVarargs
  public static <T> T pick(SplittableRandom r, T... options) {
    return options[r.nextInt(options.length)];
  }

  /**
   * A hostile string: empty, blank, 100 KB, control characters, non-ASCII, lone surrogates,
   * URL metacharacters, random UTF-16 units, or a mix.
   */
  public static String hostile(SplittableRandom r) {
    switch (r.nextInt(10)) {
      case 0:
        return "";
      case 1:
        return repeat(r, WHITESPACE, 1 + r.nextInt(5));
      case 2:
        return "x".repeat(100 * 1024 - r.nextInt(3));
      case 3:
        return repeat(r, CONTROL, 1 + r.nextInt(8));
      case 4:
        return repeat(r, NON_ASCII, 1 + r.nextInt(8));
      case 5:
        return repeat(r, URL_JUNK, 1 + r.nextInt(12));
      case 6:
        return randomUnits(r, 1 + r.nextInt(64));
      case 7:
        return randomBytesAsLatin1(r, 1 + r.nextInt(64));
      default:
        return repeat(r, WHITESPACE + CONTROL + NON_ASCII + URL_JUNK + "aZ09-_.", 1 + r.nextInt(40));
    }
  }

  /**
   * {@code valid} with a few small edits: a character inserted, removed or replaced (by junk,
   * a control character, non-ASCII or whitespace), the case flipped, a cut, or padding.
   */
  public static String mutate(SplittableRandom r, String valid) {
    StringBuilder sb = new StringBuilder(valid);
    int edits = 1 + r.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = sb.length() == 0 ? 0 : r.nextInt(sb.length() + 1);
      switch (r.nextInt(8)) {
        case 0 -> sb.insert(at, junkChar(r));
        case 1 -> {
          if (at < sb.length()) {
            sb.deleteCharAt(at);
          }
        }
        case 2 -> {
          if (at < sb.length()) {
            sb.setCharAt(at, junkChar(r));
          }
        }
        case 3 -> {
          String flipped = sb.toString();
          sb.setLength(0);
          sb.append(r.nextBoolean() ? flipped.toUpperCase(java.util.Locale.ROOT) : flipped.toLowerCase(java.util.Locale.ROOT));
        }
        case 4 -> sb.setLength(Math.min(sb.length(), at));
        case 5 -> sb.insert(at, sb.substring(0, Math.min(sb.length(), 1 + r.nextInt(8))));
        case 6 -> sb.insert(0, WHITESPACE.charAt(r.nextInt(WHITESPACE.length())));
        default -> sb.insert(at, pick(r, "%", "%z", "/", "..", ":", "@", "_", "\u0000", "\u00e9"));
      }
    }
    return sb.toString();
  }

  private static char junkChar(SplittableRandom r) {
    String all = WHITESPACE + CONTROL + NON_ASCII + URL_JUNK;
    return all.charAt(r.nextInt(all.length()));
  }

  private static String repeat(SplittableRandom r, String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** Any UTF-16 code units, unpaired surrogates included. */
  public static String randomUnits(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) r.nextInt(0x10000));
    }
    return sb.toString();
  }

  /** Random bytes read as ISO-8859-1, as an environment variable holding binary would arrive. */
  public static String randomBytesAsLatin1(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
