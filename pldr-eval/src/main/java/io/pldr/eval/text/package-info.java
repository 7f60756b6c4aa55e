/** Python string semantics the harness's prompt templates depend on. */
package io.pldr.eval.text;
