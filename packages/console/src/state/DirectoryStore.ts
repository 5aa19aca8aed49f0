import type { Agent, CannedResponse, Department, Site, Tag } from '@parley/protocol';
import { Observable } from '../lib/observable';

/**
 * Who and what the console names: the signed-in agent, colleagues, departments, sites. Loaded over
 * REST at start (and again when something points at an unknown one); kept current by the console's
 * own changes (profile, admin screens).
 */
export class DirectoryStore extends Observable {
  me: Agent;
  agents: Agent[] = [];
  departments: Department[] = [];
  sites: Site[] = [];
  tags: Tag[] = [];
  canned: CannedResponse[] = [];

  constructor(me: Agent) {
    super();
    this.me = me;
  }

  get isAdmin(): boolean {
    return this.me.role === 'owner' || this.me.role === 'admin';
  }

  setMe(me: Agent): void {
    this.me = me;
    this.agents = this.agents.map((a) => (a.id === me.id ? me : a));
    this.changed();
  }

  setAgents(agents: Agent[]): void {
    this.agents = agents;
    const me = agents.find((a) => a.id === this.me.id);
    if (me !== undefined) this.me = me;
    this.changed();
  }

  putAgent(agent: Agent): void {
    const known = this.agents.some((a) => a.id === agent.id);
    this.agents = known ? this.agents.map((a) => (a.id === agent.id ? agent : a)) : [...this.agents, agent];
    if (agent.id === this.me.id) this.me = agent;
    this.changed();
  }

  setDepartments(departments: Department[]): void {
    this.departments = departments;
    this.changed();
  }

  putDepartment(department: Department): void {
    this.departments = [...this.departments.filter((d) => d.id !== department.id), department];
    this.changed();
  }

  setSites(sites: Site[]): void {
    this.sites = sites;
    this.changed();
  }

  putSite(site: Site): void {
    const known = this.sites.some((s) => s.id === site.id);
    this.sites = known ? this.sites.map((s) => (s.id === site.id ? site : s)) : [...this.sites, site];
    this.changed();
  }

  setCanned(canned: CannedResponse[]): void {
    this.canned = canned;
    this.changed();
  }

  putCanned(response: CannedResponse): void {
    this.setCanned([...this.canned.filter((c) => c.id !== response.id), response]);
  }

  removeCanned(id: string): void {
    this.setCanned(this.canned.filter((c) => c.id !== id));
  }

  setTags(tags: Tag[]): void {
    this.tags = [...tags].sort((a, b) => a.name.localeCompare(b.name));
    this.changed();
  }

  putTag(tag: Tag): void {
    this.setTags([...this.tags.filter((t) => t.id !== tag.id), tag]);
  }

  removeTag(id: string): void {
    this.setTags(this.tags.filter((t) => t.id !== id));
  }

  tag(id: string): Tag | undefined {
    return this.tags.find((t) => t.id === id);
  }

  /** Tags usable on a conversation of this site: the global ones and the site's own. */
  tagsFor(siteId: string): Tag[] {
    return this.tags.filter((t) => t.siteId === null || t.siteId === siteId);
  }

  /** Departments a conversation of this site can be transferred to: the site's and the global ones. */
  departmentsFor(siteId: string): Department[] {
    return this.departments.filter((d) => d.siteId === null || d.siteId === siteId);
  }

  knowsAgent(id: string): boolean {
    return id === this.me.id || this.agents.some((a) => a.id === id);
  }

  agentName(id: string): string | null {
    if (id === this.me.id) return this.me.name;
    return this.agents.find((a) => a.id === id)?.name ?? null;
  }

  siteName(id: string): string | null {
    return this.sites.find((s) => s.id === id)?.name ?? null;
  }

  site(id: string): Site | undefined {
    return this.sites.find((s) => s.id === id);
  }

  /** Departments the signed-in agent belongs to. */
  myDepartmentIds(): string[] {
    return this.departments.filter((d) => d.agentIds.includes(this.me.id)).map((d) => d.id);
  }

  /** Active colleagues who can work on a site (for "assign to"). */
  assignableFor(siteId: string): Agent[] {
    return this.agents.filter((a) => a.active && (a.role !== 'agent' || a.siteIds.includes(siteId)));
  }
}
