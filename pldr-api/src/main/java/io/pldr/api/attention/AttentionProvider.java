package io.pldr.api.attention;

/**
 * A kind of attention ({@code power_law_graph} built in, or a user's own): a factory of one
 * attention per layer. A Guice module installs it under its name in the map of attention variants
 * (the binding key is the name a configuration's {@code attention} selects it by).
 */
public interface AttentionProvider {
  /** One line for listings. */
  String description();

  /** The attention of one layer. */
  Attention create(AttentionContext context);
}
