/** The {@code pldr} command-line tool. */
package io.pldr.cli;
