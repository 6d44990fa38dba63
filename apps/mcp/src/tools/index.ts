/** Every tool, in a fixed order (deterministic tools/list). */
import type { ToolDef } from '../tool.js';
import { commentTools } from './comments.js';
import { labelToolList } from './labels.js';
import { planningTools } from './planning.js';
import { reminderTools } from './reminders.js';
import { taskTools } from './tasks.js';

export const TOOLS: readonly ToolDef[] = [...taskTools, ...planningTools, ...labelToolList, ...reminderTools, ...commentTools];

export const toolByName = (name: string): ToolDef | undefined => TOOLS.find((t) => t.name === name);
