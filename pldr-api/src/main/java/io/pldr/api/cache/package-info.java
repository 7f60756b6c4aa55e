/**
 * What decoding caches: the cache modes of the reference ({@code kv_g}, {@code kv}, {@code g},
 * {@code none}) and the G-cache, per layer A_LM and G_LM. The KV-cache (keys, values and the
 * prompt's refined metric tensor) is a backend's native state between steps and has no API type.
 */
package io.pldr.api.cache;
