/**
 * Reading text files strictly: UTF-8 only, invalid bytes refused naming the file, line and byte
 * ({@link io.pldr.api.io.StrictText}), and I/O errors described in words for messages ({@link
 * io.pldr.api.io.IoErrors}).
 */
package io.pldr.api.io;
