export { solveLinearAssignment } from './linearAssignment';
export type { AssignmentResult } from './linearAssignment';
export { solveTransport } from './transport';
export type { TransportResult } from './transport';
