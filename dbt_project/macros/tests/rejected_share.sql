{# A quarantine model loses at most `max_share` of its rows. Fails with the rejected rows, so the
   failure count is how many rows the table lost; severity (warn / error) is set where it is used.
   Every reason counts, rows dated after the as-of date too: an export whose every invoice is dated
   2099 is broken, and must not replace a good warehouse with one of 0 customers. Only the past
   as-of dates of `icp backfill-drift` (var `backfill` = 1) leave those rows out: there they are
   simply not due yet, and the backfill's final refresh at the present date counts them all. #}
{% test rejected_share(model, max_share) %}
    with lost as (
        select * from {{ model }}
        where _rejection_reason is not null
        {%- if var('backfill', 0) %} and _rejection_code <> 'after_as_of_date'{% endif %}
    ),

    shares as (
        select (select count(*) from lost) * 1.0 / nullif(count(*), 0) as rejected_share
        from {{ model }}
    )

    select lost._row_key, lost._rejection_reason
    from lost
    cross join shares
    where shares.rejected_share > {{ max_share }}
{% endtest %}
