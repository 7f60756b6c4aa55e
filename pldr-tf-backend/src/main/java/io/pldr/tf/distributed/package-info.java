/**
 * Data-parallel training on TensorFlow's own distributed runtime: the cluster of workers ({@link
 * io.pldr.tf.distributed.ClusterSpec}), each worker's gRPC server and its session on it ({@link
 * io.pldr.tf.distributed.WorkerServer}), and the collective operations the replicas exchange
 * gradients and state with ({@link io.pldr.tf.distributed.Collectives}).
 */
package io.pldr.tf.distributed;
