package io.pldr.api.cache;

/**
 * Which caches incremental decoding uses, with the reference's names: {@code kv_g} both, {@code kv}
 * KV-cache only, {@code g} G-cache only, {@code none} recompute everything.
 */
public enum CacheMode {
  KV_G("kv_g", true, true),
  KV("kv", true, false),
  G("g", false, true),
  NONE("none", false, false);

  private final String id;
  private final boolean kv;
  private final boolean g;

  CacheMode(String id, boolean kv, boolean g) {
    this.id = id;
    this.kv = kv;
    this.g = g;
  }

  /** The reference's name of this mode. */
  public String id() {
    return id;
  }

  public boolean usesKvCache() {
    return kv;
  }

  public boolean usesGCache() {
    return g;
  }

  /** The mode with the given name; fails listing the accepted names. */
  public static CacheMode fromId(String id) {
    for (CacheMode m : values()) {
      if (m.id.equals(id)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown cache mode '" + id + "': expected one of kv_g, kv, g, none");
  }
}
