// Public face of src/group: the classic group coordinator, its group state machine, and the records it keeps
// in __consumer_offsets.
export { GroupCoordinator, type CoordinatorLogger, type OffsetCommitEntry, type OffsetCommitParams, type TxnOffsetCommitParams, type PartitionError, type FetchedOffset, type GroupDescription } from './group-coordinator.js';
export { Group, Member, type GroupState, type JoinGroupParams, type JoinGroupResult, type SyncGroupParams, type SyncGroupResult, type ProtocolMetadata } from './group.js';
export { invalidGroupIdReason, MAX_GROUP_ID_BYTES } from './group-id.js';
export {
  OFFSETS_TOPIC, offsetsPartitionFor, javaStringHash, decodeKey, encodeOffsetCommitKey, encodeGroupMetadataKey,
  encodeOffsetCommitValue, decodeOffsetCommitValue, encodeGroupMetadataValue, decodeGroupMetadataValue,
  type OffsetCommitValue, type GroupMetadataValue, type StoredMember,
} from './offsets-records.js';
