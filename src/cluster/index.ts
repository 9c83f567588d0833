// Public face of the cluster module: the controller, partition roles and replica fetchers of a broker
// in a cluster (DESIGN.md §6).
export { Controller, type ControllerOptions, type ControllerLogger, type ElectionKind, type PartitionOutcome, type ReassignmentRequest, type OngoingReassignment } from './controller.js';
export { Replicas, PartitionReplica, type Role, type ReplicasOptions } from './replicas.js';
