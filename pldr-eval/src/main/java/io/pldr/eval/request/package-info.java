/** Log-likelihood requests and their answers, as lm-evaluation-harness defines them. */
package io.pldr.eval.request;
