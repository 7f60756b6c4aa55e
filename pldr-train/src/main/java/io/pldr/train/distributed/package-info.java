/**
 * Data-parallel training across workers: the settings of a worker ({@link
 * io.pldr.train.distributed.DataParallel}), the start-up agreement of the replicas ({@link
 * io.pldr.train.distributed.ReplicaStart}) and the comparison that names a configuration field that
 * differs between them ({@link io.pldr.train.distributed.ConfigDiff}).
 */
package io.pldr.train.distributed;
