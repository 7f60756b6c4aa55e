/** Tokenizer SPI: text to token ids and back. */
package io.pldr.api.text;
