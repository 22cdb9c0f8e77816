/**
 * An identity type for to-one relation properties: `author!: Rel<User>`.
 *
 * With `emitDecoratorMetadata`, TypeScript emits a runtime reference to a property's class type.
 * When that class is declared later in the module, or sits in an import cycle, the reference throws
 * "Cannot access 'User' before initialization". `Rel<User>` is the same type to the compiler but
 * emits `Object`, so nothing is evaluated early. joinery reads relation targets from `() => User`.
 *
 * @example
 * @ManyToOne(() => User) author!: Rel<User>;
 */
export type Rel<T> = T & {};
