// A .did file (spec: "Core Grammar"): type definitions, recursive ones too,
// and the service — its methods and, for a class, its init argument types —
// as `IDL` types. Imports are refused: a canister's metadata has none.
import { IDL } from '@dfinity/candid';
import { Cursor, describe, position } from './lexer.ts';
import type { Result } from './result.ts';
import { attempt, CandidTextError } from './result.ts';
import type { FuncExpr, MethodExpr, TypeExpr } from './type-syntax.ts';
import { KEYWORDS, parseMethods, parseTuple, parseType } from './type-syntax.ts';

/** A parsed .did: the service's methods and, when the service is a class, its init argument types. */
export interface ServiceInterface {
  readonly methods: ReadonlyMap<string, IDL.FuncClass>;
  readonly init?: readonly IDL.Type[];
}

export function parseDid(source: string): Result<ServiceInterface> {
  return attempt(() => {
    const c = new Cursor(source);
    const env = new TypeEnv(c, parseDefs(c));
    let service: ServiceInterface = { methods: new Map() };
    if (c.isKeyword('service')) {
      c.next();
      const id = c.peek();
      if (id.kind === 'id' && !KEYWORDS.has(id.text) && c.isPunct(':', 1)) c.next();
      c.expectPunct(':');
      let init: IDL.Type[] | undefined;
      if (c.isPunct('(')) {
        init = parseTuple(c, 0).map((t) => env.build(t));
        c.expectPunct('->');
      }
      const methods = serviceMethods(c, env);
      service = init === undefined ? { methods } : { methods, init };
      c.eatPunct(';');
    }
    env.checkAll();
    if (c.peek().kind !== 'eof') c.fail(`expected end of input but found ${describe(c.peek())}`);
    return service;
  });
}

/** Motoko's `candid:args` section: optional type definitions, then `(t1, t2, …)`. */
export function parseArgTypes(source: string): Result<readonly IDL.Type[]> {
  return attempt(() => {
    const c = new Cursor(source);
    const env = new TypeEnv(c, parseDefs(c));
    const types = parseTuple(c, 0).map((t) => env.build(t));
    env.checkAll();
    if (c.peek().kind !== 'eof') c.fail(`expected end of input but found ${describe(c.peek())}`);
    return types;
  });
}

function parseDefs(c: Cursor): Map<string, TypeExpr> {
  const defs = new Map<string, TypeExpr>();
  while (true) {
    if (c.isKeyword('import')) c.fail('imports are not supported: give a self-contained .did (as in a canister\'s candid:service metadata)');
    if (!c.isKeyword('type')) return defs;
    c.next();
    const name = c.next();
    if (name.kind !== 'id' || KEYWORDS.has(name.text)) return c.fail(`expected a type name but found ${describe(name)}`, name.at);
    if (defs.has(name.text)) c.fail(`duplicate binding for ${name.text}`, name.at);
    c.expectPunct('=');
    defs.set(name.text, parseType(c));
    c.expectPunct(';');
  }
}

function serviceMethods(c: Cursor, env: TypeEnv): Map<string, IDL.FuncClass> {
  let service: IDL.ServiceClass;
  if (c.isPunct('{')) service = env.buildService(parseMethods(c, 0), c.peek().at);
  else {
    const r = c.next();
    if (r.kind !== 'id' || KEYWORDS.has(r.text)) return c.fail(`expected a service type but found ${describe(r)}`, r.at);
    const t = resolveRec(env.build({ k: 'ref', name: r.text, at: r.at }));
    if (t.typeName !== IDL.ServiceClass.prototype.typeName) return c.fail(`${r.text} is not a service type`, r.at);
    service = t as IDL.ServiceClass;
  }
  return new Map(service._fields);
}

/** A type written in a value's annotation `(v : t)`: no names are bound there. */
export function buildAnnotation(c: Cursor, t: TypeExpr): IDL.Type {
  return new TypeEnv(c, new Map()).build(t);
}

function resolveRec(t: IDL.Type): IDL.Type {
  for (let i = 0; i < 64 && t.typeName === IDL.RecClass.prototype.typeName; i++) {
    const inner = (t as IDL.RecClass).getType();
    if (inner === undefined) break;
    t = inner;
  }
  return t;
}

/** Named types, built on first use; a name met again while it is being built becomes an `IDL.Rec`. */
class TypeEnv {
  private readonly built = new Map<string, IDL.Type>();
  private readonly inProgress = new Set<string>();
  private readonly recs = new Map<string, IDL.RecClass>();
  private readonly c: Cursor;
  private readonly defs: Map<string, TypeExpr>;

  constructor(c: Cursor, defs: Map<string, TypeExpr>) {
    this.c = c;
    this.defs = defs;
  }

  checkAll(): void {
    for (const [name, def] of this.defs) this.resolve(name, def.at);
  }

  build(t: TypeExpr): IDL.Type {
    switch (t.k) {
      case 'prim':
        return PRIM[t.name];
      case 'ref':
        return this.resolve(t.name, t.at);
      case 'opt':
        return IDL.Opt(this.build(t.type));
      case 'vec':
        return IDL.Vec(this.build(t.type));
      case 'record': {
        const tuple = t.fields.every((f, i) => f.name === undefined && f.id === i);
        if (tuple && t.fields.length > 0) return IDL.Tuple(...t.fields.map((f) => this.build(f.type)));
        return IDL.Record(Object.fromEntries(t.fields.map((f) => [f.name ?? `_${f.id}_`, this.build(f.type)])));
      }
      case 'variant':
        return IDL.Variant(Object.fromEntries(t.fields.map((f) => [f.name ?? `_${f.id}_`, this.build(f.type)])));
      case 'func':
        return this.buildFunc(t.func);
      case 'service':
        return this.buildService(t.methods, t.at);
    }
  }

  buildService(methods: readonly MethodExpr[], _at: number): IDL.ServiceClass {
    const fields: Record<string, IDL.FuncClass> = {};
    for (const m of methods) {
      const t = resolveRec(this.build(m.type));
      if (t.typeName !== IDL.FuncClass.prototype.typeName) this.c.fail(`method ${m.name} is not a function type`, m.at);
      fields[m.name] = t as IDL.FuncClass;
    }
    return IDL.Service(fields);
  }

  private buildFunc(f: FuncExpr): IDL.FuncClass {
    const args = f.args.map((a) => this.build(a));
    const rets = f.rets.map((a) => this.build(a));
    return IDL.Func(args as [], rets as [], [...f.modes]);
  }

  private resolve(name: string, at: number): IDL.Type {
    const done = this.built.get(name);
    if (done !== undefined) return done;
    const def = this.defs.get(name);
    if (def === undefined) return this.c.fail(`unbound type identifier ${name}`, at);
    if (this.inProgress.has(name)) {
      let rec = this.recs.get(name);
      if (rec === undefined) this.recs.set(name, (rec = IDL.Rec()));
      return rec;
    }
    this.inProgress.add(name);
    const body = this.build(def);
    this.inProgress.delete(name);
    const rec = this.recs.get(name);
    if (rec === undefined) {
      this.built.set(name, body);
      return body;
    }
    if (body === rec || Object.values(PRIM).includes(body)) {
      throw new CandidTextError(`${position(this.c.source, def.at)}: type ${name} is defined in terms of itself only`);
    }
    rec.fill(body as IDL.ConstructType);
    this.built.set(name, rec);
    return rec;
  }
}

const PRIM: Record<string, IDL.Type> = {
  null: IDL.Null, bool: IDL.Bool, nat: IDL.Nat, int: IDL.Int, nat8: IDL.Nat8, nat16: IDL.Nat16,
  nat32: IDL.Nat32, nat64: IDL.Nat64, int8: IDL.Int8, int16: IDL.Int16, int32: IDL.Int32,
  int64: IDL.Int64, float32: IDL.Float32, float64: IDL.Float64, text: IDL.Text,
  reserved: IDL.Reserved, empty: IDL.Empty, principal: IDL.Principal,
};

export { PRIM as PRIMITIVE_TYPES };
