/** The attention SPI: a layer's attention from queries, keys, values, mask and operator. */
package io.pldr.api.attention;
