package dev.greetprobe.probe.config;

import java.nio.charset.StandardCharsets;

/** A well-spread hash of a name, the same in every JVM and release: offsets and shards must not move. */
public final class StableHash {

  private StableHash() {
  }

  /** 64-bit FNV-1a, then a finalizer (from SplitMix64) so that similar names land far apart. */
  public static long of(String name) {
    long h = 0xcbf29ce484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h ^= b;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** SplitMix64's finalizer: every bit of the result depends on every bit of {@code h}. */
  public static long mix(long h) {
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}
