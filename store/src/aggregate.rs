//! cqrs-es integration: `AggregateStore<A>` loads aggregates from their newest snapshot plus later events
//! (upcasting each stored event first), and commits new events with optimistic concurrency, writing a
//! sealed snapshot every `snapshot_every` events. It implements `cqrs_es::EventStore`, and offers a richer
//! API for the application layer: explicit expected versions, multi-stream commits and recorded positions.

use cqrs_es::{
    Aggregate, AggregateContext, AggregateError, DomainEvent, EventEnvelope, EventStore,
};
use serde::Deserialize as _;
use serde_json::Value;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::error::StoreError;
use crate::event::{AppendedEvent, NewEvent, NewSnapshot, RecordedEvent, StreamAppend};
use crate::store::{CachedAggregate, Store};
use domain::StoredAggregate;

/// An aggregate as loaded, with the stream version it reflects: the expected version of the next commit.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedAggregate<A> {
    id: String,
    version: u64,
    aggregate: A,
}

impl<A> LoadedAggregate<A> {
    /// A loaded aggregate from its parts, e.g. after applying events to it in memory.
    pub fn new(id: impl Into<String>, version: u64, aggregate: A) -> Self {
        Self {
            id: id.into(),
            version,
            aggregate,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// How many events of the stream the state includes.
    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn aggregate(&self) -> &A {
        &self.aggregate
    }

    pub fn into_aggregate(self) -> A {
        self.aggregate
    }
}

impl<A: Aggregate> AggregateContext<A> for LoadedAggregate<A> {
    fn aggregate(&mut self) -> &mut A {
        &mut self.aggregate
    }
}

/// The store, typed for one aggregate.
pub struct AggregateStore<A> {
    store: Store,
    aggregate: PhantomData<fn() -> A>,
}

impl<A> Clone for AggregateStore<A> {
    fn clone(&self) -> Self {
        Self {
            store: self.store.clone(),
            aggregate: PhantomData,
        }
    }
}

impl<A> std::fmt::Debug for AggregateStore<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AggregateStore")
            .field("aggregate", &std::any::type_name::<A>())
            .finish_non_exhaustive()
    }
}

impl<A: StoredAggregate> AggregateStore<A> {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            aggregate: PhantomData,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Brings a recorded event to the current schema and deserializes it.
    pub fn decode_event(recorded: &RecordedEvent) -> Result<A::Event, StoreError> {
        // An event at its type's current schema version needs no upcasting: it is read in place, without
        // copying the payload.
        let decoded = if recorded.schema_version == A::event_schema_version(&recorded.event_type) {
            A::Event::deserialize(&recorded.payload)
        } else {
            let payload = A::upcast(
                &recorded.event_type,
                recorded.schema_version,
                recorded.payload.clone(),
            )?;
            serde_json::from_value(payload)
        };
        decoded.map_err(|source| StoreError::Deserialize {
            what: format!(
                "event {} of {}/{} (version {})",
                recorded.event_type,
                recorded.stream_type,
                recorded.stream_id,
                recorded.stream_version
            ),
            source,
        })
    }

    /// Every event of the stream, from the start (no snapshot).
    pub async fn load_all_events(&self, id: &str) -> Result<Vec<EventEnvelope<A>>, StoreError> {
        let recorded = self.store.read_stream(A::TYPE, id, 0).await?;
        recorded
            .iter()
            .map(|event| {
                Ok(EventEnvelope {
                    aggregate_id: id.to_string(),
                    sequence: usize::try_from(event.stream_version).unwrap_or(usize::MAX),
                    payload: Self::decode_event(event)?,
                    metadata: event.metadata.clone(),
                })
            })
            .collect()
    }

    /// The aggregate from its newest usable snapshot plus the events after it. A snapshot written with
    /// another `SNAPSHOT_VERSION` (or one that no longer deserializes) is ignored and the stream replayed.
    ///
    /// When this process holds the aggregate's state at some version (it loaded or committed it before),
    /// that state is the starting point instead and only the events after it are read and applied — in
    /// the same single query, so events another process appended are never missed. Stored events never
    /// change, so a state at version `v` stays the state at version `v`.
    pub async fn load(&self, id: &str) -> Result<LoadedAggregate<A>, StoreError> {
        self.load_and_keep(id, true).await
    }

    /// [`Self::load`] for a bulk reader that passes through many aggregates once (an import's matched
    /// people): it starts from a cached state when there is one and moves that entry forward, but takes no
    /// new place in the cache, so the people commands are working on stay in it.
    pub async fn load_in_passing(&self, id: &str) -> Result<LoadedAggregate<A>, StoreError> {
        self.load_and_keep(id, false).await
    }

    async fn load_and_keep(&self, id: &str, admit: bool) -> Result<LoadedAggregate<A>, StoreError> {
        let cached = self.store.cached_aggregate(A::TYPE, id).and_then(|cached| {
            let state = cached.state.downcast_ref::<A>()?.clone();
            Some((cached.version, state))
        });
        let floor = cached.as_ref().map_or(0, |(version, _)| *version);
        // The snapshot (if newer than the cached state) and the events after it come in one round trip.
        let (snapshot, events) = self
            .store
            .load_latest(A::TYPE, id, A::SNAPSHOT_VERSION, floor)
            .await?;
        let from_cache_or_start = |cached: Option<(u64, A)>| cached.unwrap_or((0, A::default()));
        let (mut version, mut aggregate, events) = match snapshot {
            Some((version, state)) => match serde_json::from_value::<A>(state) {
                Ok(aggregate) => (version, aggregate, events),
                Err(error) => {
                    tracing::warn!(stream = %format!("{}/{id}", A::TYPE), %error, "ignoring unreadable snapshot");
                    let (version, aggregate) = from_cache_or_start(cached);
                    (
                        version,
                        aggregate,
                        self.store.read_stream(A::TYPE, id, version).await?,
                    )
                }
            },
            None => {
                let (version, aggregate) = from_cache_or_start(cached);
                (version, aggregate, events)
            }
        };
        let changed = version != floor || !events.is_empty();
        for event in events {
            aggregate.apply(Self::decode_event(&event)?);
            version = event.stream_version;
        }
        if changed {
            self.keep(id, version, &aggregate, admit);
        }
        Ok(LoadedAggregate::new(id, version, aggregate))
    }

    /// The state this process holds of stream `id` (it loaded or committed it before), without asking the
    /// database whether another process has appended since: for a writer that appends with the version it
    /// decided on, whose append then conflicts if the stream moved (and who loads before deciding again).
    /// `None` when the cache holds nothing for the stream (or is turned off).
    pub fn cached(&self, id: &str) -> Option<LoadedAggregate<A>> {
        let cached = self.store.cached_aggregate(A::TYPE, id)?;
        let state = cached.state.downcast_ref::<A>()?.clone();
        Some(LoadedAggregate::new(id, cached.version, state))
    }

    /// Keeps `state`, the aggregate as of `version` of stream `id`, for the next `load` in this process.
    /// Call it with committed states only: after a successful append of the events that lead to it.
    pub fn remember(&self, id: &str, version: u64, state: &A) {
        self.keep(id, version, state, true);
    }

    /// [`Self::remember`] for bulk writers (an import): moves the entry of an aggregate the cache already
    /// holds forward, and adds none.
    pub fn refresh(&self, id: &str, version: u64, state: &A) {
        self.keep(id, version, state, false);
    }

    fn keep(&self, id: &str, version: u64, state: &A, admit: bool) {
        if !admit && !self.store.holds_aggregate(A::TYPE, id) {
            // Not cloning a state that would not be kept.
            return;
        }
        self.store.remember_aggregate(
            A::TYPE,
            id,
            CachedAggregate {
                version,
                data_subject: A::data_subject(id),
                state: Arc::new(state.clone()),
            },
            admit,
        );
    }

    /// Builds (but does not write) the append of `events` to stream `id`, expected at `expected_version`.
    /// `state_after` is the aggregate with the events applied — what cqrs-es hands to `commit` — and is
    /// snapshotted when this commit crosses a multiple of `snapshot_every`. Pass several of these to
    /// `Store::append` to commit to several streams atomically.
    pub fn prepare(
        &self,
        id: &str,
        expected_version: u64,
        events: &[A::Event],
        metadata: &HashMap<String, String>,
        state_after: &A,
    ) -> Result<StreamAppend, StoreError> {
        let new_events = events
            .iter()
            .map(|event| {
                let event_type = event.event_type();
                Ok(NewEvent {
                    schema_version: A::event_schema_version(&event_type),
                    payload: serde_json::to_value(event).map_err(|source| {
                        StoreError::Serialize {
                            what: format!("event {event_type}"),
                            source,
                        }
                    })?,
                    event_type,
                    metadata: metadata.clone(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let every = self.store.options().snapshot_every;
        let new_version = expected_version + new_events.len() as u64;
        let snapshot = if every > 0 && new_version / every > expected_version / every {
            let state: Value =
                serde_json::to_value(state_after).map_err(|source| StoreError::Serialize {
                    what: format!("snapshot of {}/{id}", A::TYPE),
                    source,
                })?;
            Some(NewSnapshot {
                snapshot_version: A::SNAPSHOT_VERSION,
                state,
            })
        } else {
            None
        };
        Ok(StreamAppend {
            stream_type: A::TYPE.to_string(),
            stream_id: id.to_string(),
            data_subject: A::data_subject(id),
            expected_version,
            forgets_subject: A::data_subject(id).is_some()
                && events.iter().any(A::forgets_data_subject),
            events: new_events,
            snapshot,
        })
    }

    /// Appends `events` to stream `id` if it is still at `expected_version`.
    pub async fn commit_with_expected(
        &self,
        id: &str,
        expected_version: u64,
        events: &[A::Event],
        metadata: &HashMap<String, String>,
        state_after: &A,
    ) -> Result<Vec<AppendedEvent>, StoreError> {
        let append = self.prepare(id, expected_version, events, metadata, state_after)?;
        let appended = self.store.append(vec![append]).await?;
        if let Some(last) = appended.last() {
            self.remember(id, last.stream_version, state_after);
        }
        Ok(appended)
    }
}

/// How store errors surface through cqrs-es.
pub fn to_aggregate_error<E: std::error::Error>(error: StoreError) -> AggregateError<E> {
    match error {
        StoreError::Conflict { .. } => AggregateError::AggregateConflict,
        StoreError::Deserialize { .. }
        | StoreError::Upcast(_)
        | StoreError::CorruptSealedData { .. } => {
            AggregateError::DeserializationError(Box::new(error))
        }
        StoreError::Database(_)
        | StoreError::Unreachable { .. }
        | StoreError::ConnectionRefused { .. } => {
            AggregateError::DatabaseConnectionError(Box::new(error))
        }
        other => AggregateError::UnexpectedError(Box::new(other)),
    }
}

impl<A: StoredAggregate> EventStore<A> for AggregateStore<A> {
    type AC = LoadedAggregate<A>;

    async fn load_events(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        self.load_all_events(aggregate_id)
            .await
            .map_err(to_aggregate_error)
    }

    async fn load_aggregate(
        &self,
        aggregate_id: &str,
    ) -> Result<LoadedAggregate<A>, AggregateError<A::Error>> {
        self.load(aggregate_id).await.map_err(to_aggregate_error)
    }

    /// cqrs-es has already applied `events` to `context`'s aggregate, so its state is the state after.
    async fn commit(
        &self,
        events: Vec<A::Event>,
        context: LoadedAggregate<A>,
        metadata: HashMap<String, String>,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        let appended = self
            .commit_with_expected(
                &context.id,
                context.version,
                &events,
                &metadata,
                &context.aggregate,
            )
            .await
            .map_err(to_aggregate_error)?;
        Ok(events
            .into_iter()
            .zip(appended)
            .map(|(payload, appended)| EventEnvelope {
                aggregate_id: context.id.clone(),
                sequence: usize::try_from(appended.stream_version).unwrap_or(usize::MAX),
                payload,
                metadata: metadata.clone(),
            })
            .collect())
    }
}
