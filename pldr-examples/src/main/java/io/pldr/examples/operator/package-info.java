/**
 * A user's tensor operator as a user writes it, against pldr-api and Guice only: the low-rank power
 * law operator {@code low_rank}, its provider and the Guice module that installs it
 * (docs/extending.md walks through it).
 */
package io.pldr.examples.operator;
