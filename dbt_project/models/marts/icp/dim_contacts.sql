{#- One row per CRM contact with its buyer persona. No email and no person's name: the job title is
    the only free text about a person that reaches a mart. -#}

with contacts as (

    select * from {{ ref('int_contacts__personas') }}

),

final as (

    select
        contact_id,
        account_id,
        job_title,
        persona
    from contacts

)

select * from final
