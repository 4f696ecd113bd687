export interface DockerInstruction { keyword: string, args: string }
export interface DockerStage { image: string, name: string, steps: DockerInstruction[] }
export function parseDockerfile(text: string): DockerInstruction[]
export function stagesOf(instructions: DockerInstruction[]): DockerStage[]
export function dockerignoreFilter(text: string): (path: string) => boolean
export function substitute(text: string, variables: Record<string, string>): string
export function parseAssignments(args: string, variables?: Record<string, string>): Record<string, string>
export function takeFlags(args: string): { flags: Record<string, string | true>, rest: string }
export function commandOf(args: string): string[]
