/** KV-cache and G-cache contracts; implementations are in pldr-cache. */
package io.pldr.api.cache;
