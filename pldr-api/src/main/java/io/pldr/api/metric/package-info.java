/** The metric SPI: name, update, result, reset. */
package io.pldr.api.metric;
