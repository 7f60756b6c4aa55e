package io.pldr.api.attention;

/**
 * A named attention variant, as the configuration selects it ({@code power_law_graph} built in, or
 * a user's own). The model asks the configured provider for one attention per layer.
 */
public interface AttentionProvider {
  /** The name a configuration uses to select this variant. */
  String name();

  /** One line for listings. */
  String description();

  /** The attention of one layer. */
  Attention create(AttentionContext context);
}
