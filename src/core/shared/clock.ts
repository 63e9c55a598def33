/** A time as node statuses and the command's lines show it: the local time of day, HH:MM:SS. */
export function clockTime(ms: number): string {
    return new Date(ms).toTimeString().slice(0, 8);
}
