package io.pldr.eval.report;

/** A malformed line left out of the evaluation ({@code --on-bad-line skip}). */
public record SkippedLine(String file, int line, String error) {}
