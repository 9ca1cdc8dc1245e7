"""The scale data set of `manage.py seed_scale`, which the benchmark measures.

For N applications it builds about 3N submitted reviews, 0.3N agreements with 1.2N installments and their
reports, and N/20 prize nominations, with the organizations and staff they need:

- five yearly calls (codes SCALE-YYYY) whose dates count back from the day of the run. An archived call
  and two closed calls have all their files decided, with agreements at every stage of their life. A call
  closed nine months ago has ~N/10 evaluated files waiting for the committee, which
  reviews.ranking.rank_call ranks. A call open now has drafts and files being screened;
- a prize edition whose nominations closed two weeks ago, with its jury and nominations at every screening step;
- a TransitionLog row for each state change of calls, files, agreements, installments, reports and
  nominations (review assignments have none).

The real services are too slow for this: they lock and write one row at a time and queue PDFs and e-mails
at each step. The PDFs alone, at about half a second each (the design's bar for an agreement PDF), would
take hours for 10 000 files (an estimate, not measured). So the builders plan every row in memory, with
the rules and helpers the services use (applications.budget, payments.schedule, reviews.aggregation,
common.text), and insert them in bulk.

A random generator seeded by the command makes two runs on the same day build the same rows. Dates count
back from midnight at the start of the day of the run.

Not built: generated PDFs (receipts, letters, agreements, payment notices) and notifications, so their
download views return 404 as for a document not generated yet. Every attachment of one kind points to one
shared placeholder PDF.
"""
