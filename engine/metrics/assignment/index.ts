export { solveLinearAssignment } from './linearAssignment';
export type { AssignmentResult } from './linearAssignment';
