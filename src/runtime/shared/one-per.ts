/**
 * One value per key object (a runtime's event bus, its admin app), made on first use and kept as long as the key is:
 * a node module may be loaded more than once into one runtime, and several runtimes may share a process.
 */
export function onePer<K extends object, A extends unknown[], V>(make: (key: K, ...args: A) => V): (key: K, ...args: A) => V {
    const made = new WeakMap<K, V>();
    return (key, ...args) => {
        let value = made.get(key);
        if (value === undefined) {
            value = make(key, ...args);
            made.set(key, value);
        }
        return value;
    };
}
