export namespace api {
	
	export class AgentContactSnapshot {
	    contactId: string;
	    channel: string;
	    initiationMethod?: string;
	    state: string;
	    // Go type: time
	    stateStartTimestamp: any;
	    queueId?: string;
	
	    static createFrom(source: any = {}) {
	        return new AgentContactSnapshot(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.contactId = source["contactId"];
	        this.channel = source["channel"];
	        this.initiationMethod = source["initiationMethod"];
	        this.state = source["state"];
	        this.stateStartTimestamp = this.convertValues(source["stateStartTimestamp"], null);
	        this.queueId = source["queueId"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class AgentSnapshotStatus {
	    id?: string;
	    name: string;
	    type: string;
	    // Go type: time
	    startTimestamp: any;
	
	    static createFrom(source: any = {}) {
	        return new AgentSnapshotStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.type = source["type"];
	        this.startTimestamp = this.convertValues(source["startTimestamp"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class AgentSnapshot {
	    status: AgentSnapshotStatus;
	    nextStatus?: string;
	    routingProfileId?: string;
	    contacts: AgentContactSnapshot[];
	
	    static createFrom(source: any = {}) {
	        return new AgentSnapshot(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.status = this.convertValues(source["status"], AgentSnapshotStatus);
	        this.nextStatus = source["nextStatus"];
	        this.routingProfileId = source["routingProfileId"];
	        this.contacts = this.convertValues(source["contacts"], AgentContactSnapshot);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class AgentStatus {
	    id?: string;
	    name: string;
	    description?: string;
	    type: string;
	    displayOrder: number;
	    enabled: boolean;
	    // Go type: time
	    createdAt: any;
	    // Go type: time
	    updatedAt: any;
	
	    static createFrom(source: any = {}) {
	        return new AgentStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.description = source["description"];
	        this.type = source["type"];
	        this.displayOrder = source["displayOrder"];
	        this.enabled = source["enabled"];
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.updatedAt = this.convertValues(source["updatedAt"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LiveAgent {
	    agentId: string;
	    state: string;
	    snapshot?: AgentSnapshot;
	
	    static createFrom(source: any = {}) {
	        return new LiveAgent(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.agentId = source["agentId"];
	        this.state = source["state"];
	        this.snapshot = this.convertValues(source["snapshot"], AgentSnapshot);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RealtimeRow {
	    queueId?: string;
	    routingProfileId?: string;
	    channel?: string;
	    agentsOnline: number;
	    agentsAvailable: number;
	    agentsOnContact: number;
	    agentsAfterContactWork: number;
	    agentsNonProductive: number;
	    agentsStaffed: number;
	    agentsError: number;
	    slotsActive: number;
	    slotsAvailable: number;
	    contactsInQueue: number;
	    oldestContactAgeSeconds: number;
	    contactsScheduled: number;
	
	    static createFrom(source: any = {}) {
	        return new RealtimeRow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.queueId = source["queueId"];
	        this.routingProfileId = source["routingProfileId"];
	        this.channel = source["channel"];
	        this.agentsOnline = source["agentsOnline"];
	        this.agentsAvailable = source["agentsAvailable"];
	        this.agentsOnContact = source["agentsOnContact"];
	        this.agentsAfterContactWork = source["agentsAfterContactWork"];
	        this.agentsNonProductive = source["agentsNonProductive"];
	        this.agentsStaffed = source["agentsStaffed"];
	        this.agentsError = source["agentsError"];
	        this.slotsActive = source["slotsActive"];
	        this.slotsAvailable = source["slotsAvailable"];
	        this.contactsInQueue = source["contactsInQueue"];
	        this.oldestContactAgeSeconds = source["oldestContactAgeSeconds"];
	        this.contactsScheduled = source["contactsScheduled"];
	    }
	}
	export class RealtimeMetrics {
	    // Go type: time
	    at: any;
	    queues: RealtimeRow[];
	    queueChannels: RealtimeRow[];
	    routingProfiles: RealtimeRow[];
	    channels: RealtimeRow[];
	
	    static createFrom(source: any = {}) {
	        return new RealtimeMetrics(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.at = this.convertValues(source["at"], null);
	        this.queues = this.convertValues(source["queues"], RealtimeRow);
	        this.queueChannels = this.convertValues(source["queueChannels"], RealtimeRow);
	        this.routingProfiles = this.convertValues(source["routingProfiles"], RealtimeRow);
	        this.channels = this.convertValues(source["channels"], RealtimeRow);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class TaskReference {
	    name: string;
	    type: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new TaskReference(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.type = source["type"];
	        this.value = source["value"];
	    }
	}
	export class User {
	    id?: string;
	    username: string;
	    firstName?: string;
	    lastName?: string;
	    email?: string;
	    securityProfileIds: string[];
	    routingProfileId?: string;
	    phoneType?: string;
	    deskPhoneNumber?: string;
	    autoAccept?: boolean;
	    // Go type: time
	    createdAt: any;
	    // Go type: time
	    updatedAt: any;
	
	    static createFrom(source: any = {}) {
	        return new User(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.username = source["username"];
	        this.firstName = source["firstName"];
	        this.lastName = source["lastName"];
	        this.email = source["email"];
	        this.securityProfileIds = source["securityProfileIds"];
	        this.routingProfileId = source["routingProfileId"];
	        this.phoneType = source["phoneType"];
	        this.deskPhoneNumber = source["deskPhoneNumber"];
	        this.autoAccept = source["autoAccept"];
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.updatedAt = this.convertValues(source["updatedAt"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class VoiceTransferRequest {
	    queueId?: string;
	    agentId?: string;
	    quickConnectId?: string;
	
	    static createFrom(source: any = {}) {
	        return new VoiceTransferRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.queueId = source["queueId"];
	        this.agentId = source["agentId"];
	        this.quickConnectId = source["quickConnectId"];
	    }
	}

}

export namespace app {
	
	export class AudioSettings {
	    microphone: string;
	    speaker: string;
	    ringer: string;
	
	    static createFrom(source: any = {}) {
	        return new AudioSettings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.microphone = source["microphone"];
	        this.speaker = source["speaker"];
	        this.ringer = source["ringer"];
	    }
	}
	export class ContactDetails {
	    id: string;
	    initialContactId?: string;
	    previousContactId?: string;
	    nextContactId?: string;
	    channel: string;
	    initiationMethod: string;
	    state: string;
	    name?: string;
	    description?: string;
	    queueId?: string;
	    agentId?: string;
	    // Go type: api
	    customerEndpoint?: any;
	    // Go type: api
	    systemEndpoint?: any;
	    attributes?: Record<string, string>;
	    // Go type: time
	    initiatedAt: any;
	    // Go type: time
	    scheduledAt?: any;
	    // Go type: time
	    disconnectedAt?: any;
	    disconnectReason?: string;
	    // Go type: time
	    updatedAt: any;
	    references?: api.TaskReference[];
	    partial: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ContactDetails(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.initialContactId = source["initialContactId"];
	        this.previousContactId = source["previousContactId"];
	        this.nextContactId = source["nextContactId"];
	        this.channel = source["channel"];
	        this.initiationMethod = source["initiationMethod"];
	        this.state = source["state"];
	        this.name = source["name"];
	        this.description = source["description"];
	        this.queueId = source["queueId"];
	        this.agentId = source["agentId"];
	        this.customerEndpoint = this.convertValues(source["customerEndpoint"], null);
	        this.systemEndpoint = this.convertValues(source["systemEndpoint"], null);
	        this.attributes = source["attributes"];
	        this.initiatedAt = this.convertValues(source["initiatedAt"], null);
	        this.scheduledAt = this.convertValues(source["scheduledAt"], null);
	        this.disconnectedAt = this.convertValues(source["disconnectedAt"], null);
	        this.disconnectReason = source["disconnectReason"];
	        this.updatedAt = this.convertValues(source["updatedAt"], null);
	        this.references = this.convertValues(source["references"], api.TaskReference);
	        this.partial = source["partial"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Directory {
	    queues: Record<string, string>;
	    users: Record<string, string>;
	
	    static createFrom(source: any = {}) {
	        return new Directory(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.queues = source["queues"];
	        this.users = source["users"];
	    }
	}
	export class Error {
	    code: string;
	    message: string;
	    field?: string;
	    permission?: string;
	    status?: number;
	
	    static createFrom(source: any = {}) {
	        return new Error(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.message = source["message"];
	        this.field = source["field"];
	        this.permission = source["permission"];
	        this.status = source["status"];
	    }
	}
	export class SessionInfo {
	    backendUrl: string;
	    user: api.User;
	    permissions: string[];
	    // Go type: time
	    expiresAt: any;
	    isAgent: boolean;
	    agent?: api.LiveAgent;
	    agentError?: Error;
	    isSupervisor: boolean;
	    canSetAgentStatus: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SessionInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.backendUrl = source["backendUrl"];
	        this.user = this.convertValues(source["user"], api.User);
	        this.permissions = source["permissions"];
	        this.expiresAt = this.convertValues(source["expiresAt"], null);
	        this.isAgent = source["isAgent"];
	        this.agent = this.convertValues(source["agent"], api.LiveAgent);
	        this.agentError = this.convertValues(source["agentError"], Error);
	        this.isSupervisor = source["isSupervisor"];
	        this.canSetAgentStatus = source["canSetAgentStatus"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Settings {
	    backendUrl: string;
	    username: string;
	    audio: AudioSettings;
	
	    static createFrom(source: any = {}) {
	        return new Settings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.backendUrl = source["backendUrl"];
	        this.username = source["username"];
	        this.audio = this.convertValues(source["audio"], AudioSettings);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SoftphoneState {
	    available: boolean;
	    registered: boolean;
	    registrar?: string;
	    call?: string;
	    contactId?: string;
	    // Go type: time
	    answeredAt?: any;
	    inCall: boolean;
	    muted: boolean;
	    codec?: string;
	    reason?: string;
	    notice?: string;
	    seq: number;
	
	    static createFrom(source: any = {}) {
	        return new SoftphoneState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.available = source["available"];
	        this.registered = source["registered"];
	        this.registrar = source["registrar"];
	        this.call = source["call"];
	        this.contactId = source["contactId"];
	        this.answeredAt = this.convertValues(source["answeredAt"], null);
	        this.inCall = source["inCall"];
	        this.muted = source["muted"];
	        this.codec = source["codec"];
	        this.reason = source["reason"];
	        this.notice = source["notice"];
	        this.seq = source["seq"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class TransferOption {
	    id: string;
	    name: string;
	    type?: string;
	
	    static createFrom(source: any = {}) {
	        return new TransferOption(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.type = source["type"];
	    }
	}
	export class TransferTargets {
	    queues: TransferOption[];
	    quickConnects: TransferOption[];
	    agents: TransferOption[];
	
	    static createFrom(source: any = {}) {
	        return new TransferTargets(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.queues = this.convertValues(source["queues"], TransferOption);
	        this.quickConnects = this.convertValues(source["quickConnects"], TransferOption);
	        this.agents = this.convertValues(source["agents"], TransferOption);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace audio {
	
	export class DeviceInfo {
	    name: string;
	    hostApi: string;
	    maxInputChannels: number;
	    maxOutputChannels: number;
	    defaultSampleRate: number;
	    defaultInput: boolean;
	    defaultOutput: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DeviceInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.hostApi = source["hostApi"];
	        this.maxInputChannels = source["maxInputChannels"];
	        this.maxOutputChannels = source["maxOutputChannels"];
	        this.defaultSampleRate = source["defaultSampleRate"];
	        this.defaultInput = source["defaultInput"];
	        this.defaultOutput = source["defaultOutput"];
	    }
	}

}

